# Kickstart scripts (%pre, %post, %onerror) for kiln's Anaconda TEST DOUBLE (NOT Anaconda).
# As in Anaconda: %post runs chrooted into the installed system (/mnt/sysimage) unless
# --nochroot; --interpreter picks the program; a failing script with --erroronfail aborts the
# install with Anaconda's message, without it the failure is only logged; output goes to
# /tmp/ks-script-N.log (or --log=FILE) and into the installer log.

SCRIPT_N=0

# run_script HEADER_FILE: runs one section whose header (line, kind, options) is HEADER_FILE.
run_script() {
  local hdr=$1 line kind t interp=/bin/sh chroot=1 erroronfail=0 logto="" body rc path name
  body=${hdr%.hdr}.body
  set --
  { read -r line; read -r kind; while IFS= read -r t; do set -- "$@" "$t"; done; } < "$hdr"
  [ "$kind" = post ] || chroot=0
  for t in "$@"; do
    case "$t" in
      --interpreter=*) interp=${t#*=} ;;
      --nochroot) chroot=0 ;;
      --erroronfail) erroronfail=1 ;;
      --log=*) logto=${t#*=} ;;
      *) ks_error "$line" "Unknown option for %$kind: $t" ;;
    esac
  done
  SCRIPT_N=$((SCRIPT_N + 1))
  name=ks-script-$SCRIPT_N
  log INFO anaconda "Running kickstart %$kind script(s)"
  if [ $chroot = 1 ]; then
    path=/tmp/$name
    cp "$body" "$SYSROOT$path"
    log INFO program "Running... chroot $SYSROOT $interp $path"
    chroot "$SYSROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=vt100 \
      "$interp" "$path" > "$SCRATCH/$name.log" 2>&1 < /dev/null
    rc=$?
    rm -f "$SYSROOT$path"
  else
    path=$SCRATCH/$name
    cp "$body" "$path"
    log INFO program "Running... $interp $path"
    (cd / && ANA_INSTALL_PATH=$SYSROOT "$interp" "$path") > "$path.log" 2>&1 < /dev/null
    rc=$?
  fi
  path=$SCRATCH/$name
  log_file INFO program "$path.log"
  if [ -n "$logto" ]; then
    if [ $chroot = 1 ]; then cat "$path.log" >> "$SYSROOT$logto"; else cat "$path.log" >> "$logto"; fi
  fi
  SCRIPT_LOGS="$SCRIPT_LOGS $path.log"
  log INFO anaconda "All kickstart %$kind script(s) have been run"
  if [ $rc -ne 0 ]; then
    if [ $erroronfail = 1 ]; then
      log ERROR anaconda "Error code $rc running the kickstart script at line $line"
      die script "There was an error running the kickstart script at line $line.  This is a fatal error and installation will be aborted.  The details of this error are: $(tail -n 5 "$path.log" | tr '\n' ' ')"
    fi
    log WARNING anaconda "Error code $rc running the kickstart script at line $line"
  fi
}

# run_scripts KIND [DIR]: every section of that kind DIR holds (default: the full reading's), in
# kickstart order.
run_scripts() {
  local hdr kind
  for hdr in "${2:-$KSDIR}"/s.*.hdr; do
    [ -e "$hdr" ] || continue
    kind=$(sed -n 2p "$hdr")
    [ "$kind" = "$1" ] && run_script "$hdr"
  done
  return 0
}

# %onerror (and its old name %traceback) when the install fails: never chrooted.
run_onerror_scripts() {
  run_scripts onerror
  run_scripts traceback
}
