# Network, kickstart download and the liveimg payload for kiln's Anaconda TEST DOUBLE (NOT
# Anaconda). The payload must be a tar archive (.tar, .tar.gz/.tgz, .tar.xz/.txz, .tar.bz2/.tbz,
# .tar.zst). Like Anaconda it is downloaded first — onto the target filesystem, not into RAM — and
# then unpacked; its sha256 is computed during the unpack, so a mismatch fails the install after
# it. (Measured under TCG: streaming wget | tee | sha256sum, zstd | tar took 1.6-2.5 times longer.)

NET_UP=0

net_up() {
  local d i
  [ $NET_UP = 1 ] && return 0
  # The first stage brought the network up to fetch this image.
  if [ -n "$(ip -4 -o addr show scope global)" ]; then
    NET_UP=1
    log INFO anaconda "network: configured in the initramfs ($(ip -4 -o addr show scope global | awk '{ print $2 " " $4 }'))"
    return 0
  fi
  ip link set lo up
  for d in /sys/class/net/*; do
    i=${d##*/}
    [ "$i" = lo ] && continue
    ip link set "$i" up
    if udhcpc -i "$i" -n -q -t 10 -T 1 -s /usr/share/udhcpc/default.script > /tmp/udhcpc.log 2>&1; then
      NET_UP=1
      log INFO anaconda "network: $i configured by DHCP ($(ip -4 -o addr show dev "$i" | awk '{ print $4 }'))"
      return 0
    fi
  done
  log_file ERROR anaconda /tmp/udhcpc.log
  die anaconda "network: no interface got a DHCP lease"
}

# fetch URL: the resource on stdout (http, https, ftp, file).
fetch() {
  case "$1" in
    http://* | https://* | ftp://*) wget -q -O - "$1" ;;
    file://*) cat "${1#file://}" ;;
    *) echo "unsupported URL scheme: $1" >&2; return 1 ;;
  esac
}

# get_kickstart VALUE_OF_INST_KS: the local path of the kickstart file.
get_kickstart() {
  case "$1" in
    file:*)
      # The first stage kept it in /run/install/ks.cfg (its initramfs is gone).
      KS_PATH=/run/install/ks.cfg
      [ -r "$KS_PATH" ] || die anaconda "Kickstart file ${1#file:} is missing."
      ;;
    http://* | https://* | ftp://*)
      net_up
      fetch "$1" > /tmp/ks.cfg 2> /tmp/ks.err || die anaconda "Error processing kickstart file $1: $(cat /tmp/ks.err)"
      KS_PATH=/tmp/ks.cfg
      ;;
    "") die anaconda "no kickstart: kiln's Anaconda test double needs inst.ks= on the kernel command line" ;;
    *) die anaconda "Kickstart file $1 is missing. (kiln's Anaconda test double reads only file: and http(s) kickstarts)" ;;
  esac
  log INFO anaconda "Parsing kickstart: $1"
}

decompress() {
  case "$KS_LIVEIMG" in
    *.tar) cat ;;
    *.tar.gz | *.tgz) gzip -dc ;;
    *.tar.xz | *.txz) xz -dc ;;
    *.tar.bz2 | *.tbz) bzip2 -dc ;;
    *.tar.zst | *.tzst) zstd -dc ;;
  esac
}

install_payload() {
  local url=$KS_LIVEIMG want got rc start file
  case "$url" in
    *.tar | *.tar.gz | *.tgz | *.tar.xz | *.txz | *.tar.bz2 | *.tbz | *.tar.zst | *.tzst) ;;
    *) die packaging "liveimg $url: kiln's Anaconda test double installs only tar archives (.tar, .tar.gz, .tar.xz, .tar.bz2, .tar.zst)" ;;
  esac
  log INFO packaging "Installing the liveimg payload from $url"
  start=$(cut -d. -f1 /proc/uptime)
  case "$url" in
    file://*) file=${url#file://} ;;
    *)
      net_up
      file="$SYSROOT/.liveimg-payload"
      fetch "$url" > "$file" 2> /tmp/fetch.err || die packaging "liveimg $url could not be fetched: $(tail -n 3 /tmp/fetch.err | tr '\n' ' ')"
      log INFO packaging "downloaded $(wc -c < "$file") bytes in $(($(cut -d. -f1 /proc/uptime) - start)) s"
      ;;
  esac
  # The checksum is computed while the archive unpacks (on the other vCPU), not before.
  sha256sum < "$file" > /tmp/payload.sum &
  set -o pipefail
  decompress < "$file" | tar -x -f - -C "$SYSROOT" 2> /tmp/tar.err
  rc=$?
  set +o pipefail
  wait
  [ "$file" = "$SYSROOT/.liveimg-payload" ] && rm -f "$file"
  [ $rc -eq 0 ] || die packaging "liveimg $url could not be unpacked: $(tail -n 3 /tmp/tar.err | tr '\n' ' ')"
  got=$(cut -d' ' -f1 /tmp/payload.sum)
  want=$(echo "${KS_LIVEIMG_SUM#sha256:}" | tr 'A-F' 'a-f')
  if [ -n "$want" ] && [ "$want" != "$got" ]; then
    die packaging "liveimg $url: checksum mismatch (sha256 $got, the kickstart says $want)"
  fi
  [ -n "$want" ] || log WARNING packaging "liveimg has no --checksum: the payload is not verified"
  log INFO packaging "payload unpacked in $(($(cut -d. -f1 /proc/uptime) - start)) s (sha256 $got)"
}
