# Logging and failure of kiln's Anaconda TEST DOUBLE (a busybox shell script, NOT Anaconda).
# Lines look like Anaconda's ("HH:MM:SS,mmm LEVEL logger: message") and go to the console (our
# stdout) and to Anaconda's virtio log port. The port is opened per line: virtio-console ports
# allow one opener at a time, and %post scripts write to the same port.

LOGFILE=/tmp/anaconda.log
SCRATCH=/tmp        # the installer's own scratch files (kickstart script copies and logs, …)
PORT=
DYING=0

# HH:MM:SS,mmm from the clock at boot plus the uptime (busybox date has no sub-second format).
read -r _up _ < /proc/uptime
TS_BASE_CS=${_up%.*}${_up#*.}
TS_BASE_EPOCH=$(date +%s)
ts() {
  read -r _up _ < /proc/uptime
  _cs=$((${_up%.*}${_up#*.} - TS_BASE_CS))
  echo "$(date -d "@$((TS_BASE_EPOCH + _cs / 100))" +%H:%M:%S),$(printf '%02d' $((_cs % 100)))0"
}

# log LEVEL LOGGER MESSAGE...
log() {
  _level=$1 _logger=$2
  shift 2
  _line="$(ts) $_level $_logger: $*"
  echo "$_line"
  echo "$_line" >> "$LOGFILE"
  if [ -n "$PORT" ]; then { echo "$_line" >> "$PORT"; } 2>/dev/null; fi
  return 0
}

# log_file LEVEL LOGGER FILE: every line of FILE as one log line (one timestamp, one write).
log_file() {
  [ -s "$3" ] || return 0
  _prefix="$(ts) $1 $2: "
  awk -v p="$_prefix" '{ print p $0 }' "$3" > "$SCRATCH/log_file.out"
  cat "$SCRATCH/log_file.out"
  cat "$SCRATCH/log_file.out" >> "$LOGFILE"
  if [ -n "$PORT" ]; then { cat "$SCRATCH/log_file.out" >> "$PORT"; } 2>/dev/null; fi
  return 0
}

# run_logged DESCRIPTION COMMAND...: runs COMMAND, logs its output as "program:" lines.
run_logged() {
  _what=$1
  shift
  log INFO program "Running... $*"
  "$@" > "$SCRATCH/run_logged.out" 2>&1
  _rc=$?
  log_file INFO program "$SCRATCH/run_logged.out"
  [ $_rc -eq 0 ] || log ERROR program "$_what: $* exited with status $_rc"
  return $_rc
}

# Prints text on the console as it is (Anaconda's own messages are not log lines).
say() {
  printf '%s\n' "$*"
}

# ks_error LOC MESSAGE: a kickstart the installer rejects, worded like pykickstart/Anaconda. LOC
# is a line of the kickstart, or "N of FILE" for line N of an %include file: pykickstart says
# "line N" then too; the test double adds which file.
ks_error() {
  _ks_line=${1%% *}
  _ks_msg=$2
  [ "$_ks_line" = "$1" ] || _ks_msg="$2 (line $1, read by %include)"
  log ERROR anaconda "The following problem occurred on line $_ks_line of the kickstart file: $_ks_msg"
  say ""
  say "An error occurred during reading the kickstart file:"
  say "The following problem occurred on line $_ks_line of the kickstart file:"
  say ""
  say "$_ks_msg"
  say ""
  say "The installer will now terminate."
  ks_terminate
}

# die LOGGER MESSAGE: an installation error. "packaging" errors read like Anaconda's payload
# failures, "script" ones are logged as given (Anaconda's %post failure text), the others read
# like its fatal-error dialog; then a Python-style traceback block (log monitors such as
# livemedia-creator's look for "Traceback ("), and Anaconda's wait (stop_after_error).
die() {
  _logger=$1
  shift
  if [ "$_logger" = packaging ]; then
    log ERROR packaging "Installation failed: $*"
  elif [ "$_logger" = script ]; then
    log ERROR anaconda "$*"
  else
    log ERROR anaconda "The following error occurred while installing.  This is a fatal error and installation will be aborted: $*"
  fi
  log CRITICAL exception "Traceback (most recent call last):"
  log CRITICAL exception "  File \"/init\" (kiln's Anaconda test double, a busybox shell script), in install"
  log CRITICAL exception "pyanaconda.errors.InstallError: $*"
  [ "$DYING" = 0 ] || terminate
  DYING=1
  stop_after_error "$*"
}

# What Anaconda does after an installation error (pyanaconda/exception.py): in cmdline mode it
# prints why, runs the %onerror and %traceback scripts, sleeps 180 s and exits; in text mode its
# error dialog waits for ENTER first. Its exit handler then does the kickstart's poweroff, reboot
# or halt. The guest stays up meanwhile: whoever watches the log must act on the error line.
stop_after_error() {
  if [ "$UI_MODE" = cmdline ]; then
    say ""
    say "The installation was stopped due to an error which occurred while running in non-interactive cmdline mode. Since there cannot be any questions in cmdline mode, edit your kickstart file and retry installation."
    say "The exact error message is: "
    say ""
    say "$1. "
    say ""
    say "The installer will now terminate."
    run_onerror_scripts
    sleep 180
  else
    say ""
    say "An error occurred during the installation:"
    say ""
    say "$1"
    say ""
    say "Press ENTER to exit: "
    read -r _ < /dev/console
    run_onerror_scripts
  fi
  terminate
}

# Anaconda's exit: the kickstart's action (never returns).
terminate() {
  unmount_target
  sync
  case "$KS_ACTION" in
    poweroff) log INFO anaconda "kiln's Anaconda test double: powering off"; sleep 1; poweroff -f ;;
    reboot | "") log INFO anaconda "kiln's Anaconda test double: rebooting"; sleep 1; reboot -f ;;
    *) say "The system is halted (kickstart halt)." ;;
  esac
  while :; do sleep 3600; done
}

# After a kickstart it cannot read, Anaconda prints why, sleeps 10 s and exits before its exit
# handler is set up: nothing powers the machine off, it stays up.
ks_terminate() {
  sleep 10
  log INFO anaconda "kiln's Anaconda test double has exited; the machine stays up"
  while :; do sleep 3600; done
}
