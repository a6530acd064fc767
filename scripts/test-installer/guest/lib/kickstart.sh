# Kickstart reading for kiln's Anaconda TEST DOUBLE (NOT Anaconda). Like Anaconda, the whole
# file is read and checked before anything is installed. Commands the test double implements set
# KS_* variables; commands it accepts without effect are logged; a command Anaconda knows but the
# test double cannot do, an unknown command or an unknown option is a kickstart error.

KSDIR=/tmp/ks
KSPREDIR=/tmp/ks-pre
KS_LINE=0           # where the command is: its line, or "N of FILE" in an %include file
KS_PARTS=""          # one line per partition: "MOUNTPOINT SIZE_MIB GROW FSTYPE LINE"
KS_AUTOPART=0
KS_AUTOPART_FSTYPE=ext4
KS_CLEAR=0
KS_DISKLABEL=""      # clearpart --disklabel: gpt | msdos | "" (Anaconda's default for the firmware)
KS_BOOT_LOCATION=mbr
KS_BOOT_APPEND=""
KS_BOOT_TIMEOUT=""
KS_ROOTPW_MODE=""    # plaintext | iscrypted | "" (no rootpw: the root account stays locked)
KS_ROOTPW=""
KS_ROOTPW_LOCK=0
KS_LIVEIMG=""
KS_LIVEIMG_SUM=""
KS_SOURCE=""         # a package source (url, repo, …): the test double cannot use one
KS_ACTION=""
KS_HOSTNAME=""
KS_TIMEZONE=""
KS_LANG=""
KS_ENABLE=""
KS_DISABLE=""
KS_PACKAGES_LINE=""

bad_option() { ks_error "$KS_LINE" "Unknown option for command $1: $2"; }

# not_for_test_double COMMAND: valid kickstart that the test double does not implement.
not_for_test_double() {
  ks_error "$KS_LINE" "$1 is valid kickstart, but kiln's Anaconda test double does not support it"
}

accepted() {
  log INFO anaconda "kickstart line $KS_LINE: $* (accepted; kiln's Anaconda test double does not apply it)"
}

ks_size() {
  case "$2" in
    '' | *[!0-9]*) ks_error "$KS_LINE" "$1 requires a whole number of MiB, not '$2'" ;;
  esac
}

check_disk_option() {
  case "$1" in
    vda | /dev/vda | /dev/disk/*) ;;
    *) ks_error "$KS_LINE" "kiln's Anaconda test double installs only to vda (got '$1')" ;;
  esac
}

ks_part() {
  local mnt="" size="" grow=0 fstype=ext4 a
  for a in "$@"; do
    case "$a" in
      --size=*) size=${a#*=}; ks_size --size "$size" ;;
      --grow) grow=1 ;;
      --fstype=*) fstype=${a#*=} ;;
      --ondisk=* | --ondrive=*) check_disk_option "${a#*=}" ;;
      --asprimary | --label=* | --fsoptions=* | --maxsize=* | --noformat) ;;
      --*) bad_option part "$a" ;;
      *) [ -z "$mnt" ] || ks_error "$KS_LINE" "part takes one mount point, got '$mnt' and '$a'"; mnt=$a ;;
    esac
  done
  [ -n "$mnt" ] || ks_error "$KS_LINE" "part requires a mount point"
  # Anaconda's special mount points: the BIOS boot partition GRUB embeds its core image in on a
  # GPT disk, the PowerPC PReP boot partition (made on any platform, as blivet makes it; unused
  # on x86), and the EFI system partition (vfat) at /boot/efi.
  case "$mnt" in
    swap) fstype=swap ;;
    biosboot) fstype=biosboot ;;
    prepboot) fstype=prepboot ;;
    /*) ;;
    *) ks_error "$KS_LINE" "part: '$mnt' is not a mount point" ;;
  esac
  case "$mnt:$fstype" in
    /boot/efi:efi | /boot/efi:vfat) fstype=efi ;;
    *:efi) ks_error "$KS_LINE" "part $mnt --fstype=efi: an EFI system partition is mounted at /boot/efi" ;;
    biosboot:biosboot | prepboot:prepboot) ;;
    *:biosboot | *:prepboot) ks_error "$KS_LINE" "part $mnt --fstype=$fstype: give the mount point $fstype" ;;
    *:ext2 | *:ext3 | *:ext4 | *:swap) ;;
    *) ks_error "$KS_LINE" "part $mnt --fstype=$fstype: kiln's Anaconda test double makes only ext2, ext3, ext4, swap, efi, biosboot and prepboot" ;;
  esac
  # Anaconda's sizes when none is given: biosboot 1 MiB, prepboot 4 MiB, an EFI system partition 200 MiB.
  case "$fstype" in
    biosboot) [ -n "$size" ] || size=1 ;;
    prepboot) [ -n "$size" ] || size=4 ;;
    efi) [ -n "$size" ] || size=200 ;;
  esac
  [ -n "$size" ] || size=1024
  if echo "$KS_PARTS" | awk -v m="$mnt" '$1 == m && m != "swap" { f = 1 } END { exit !f }'; then
    ks_error "$KS_LINE" "The mount point \"$mnt\" is already in use"
  fi
  KS_PARTS="$KS_PARTS$mnt $size $grow $fstype $KS_LINE
"
}

ks_autopart() {
  local a
  KS_AUTOPART=$KS_LINE
  for a in "$@"; do
    case "$a" in
      --fstype=ext2 | --fstype=ext3 | --fstype=ext4) KS_AUTOPART_FSTYPE=${a#*=} ;;
      --fstype=*) ks_error "$KS_LINE" "autopart $a: kiln's Anaconda test double makes only ext2, ext3 and ext4" ;;
      --type=* | --nohome | --noswap | --noboot | --nolvm) ;;
      --encrypted | --passphrase=* | --luks-version=* | --cipher=*) not_for_test_double "autopart --encrypted" ;;
      *) bad_option autopart "$a" ;;
    esac
  done
  log INFO anaconda "kickstart line $KS_LINE: autopart: the test double makes one $KS_AUTOPART_FSTYPE / partition filling the disk"
}

ks_bootloader() {
  local a
  for a in "$@"; do
    case "$a" in
      --location=mbr | --location=none) KS_BOOT_LOCATION=${a#*=} ;;
      --location=*) not_for_test_double "bootloader $a" ;;
      --append=*) KS_BOOT_APPEND="$KS_BOOT_APPEND ${a#*=}" ;;
      --timeout=*) KS_BOOT_TIMEOUT=${a#*=}; ks_size --timeout "$KS_BOOT_TIMEOUT" ;;
      --driveorder=* | --boot-drive=*) check_disk_option "${a#*=}" ;;
      --password=* | --iscrypted | --md5pass=* | --leavebootorder | --nombr | --extlinux | --disabled | --sdboot) accepted "bootloader $a" ;;
      *) bad_option bootloader "$a" ;;
    esac
  done
}

ks_rootpw() {
  local a mode=plaintext pw="" have=0
  for a in "$@"; do
    case "$a" in
      --plaintext) mode=plaintext ;;
      --iscrypted) mode=iscrypted ;;
      --lock) KS_ROOTPW_LOCK=1 ;;
      --allow-ssh) accepted "rootpw --allow-ssh" ;;
      --*) bad_option rootpw "$a" ;;
      *) pw=$a; have=1 ;;
    esac
  done
  if [ $have = 1 ]; then KS_ROOTPW_MODE=$mode KS_ROOTPW=$pw; fi
  [ $have = 1 ] || [ $KS_ROOTPW_LOCK = 1 ] || ks_error "$KS_LINE" "rootpw requires a password or --lock"
}

ks_liveimg() {
  local a
  for a in "$@"; do
    case "$a" in
      --url=*) KS_LIVEIMG=${a#*=} ;;
      --checksum=*) KS_LIVEIMG_SUM=${a#*=} ;;
      --proxy=* | --noverifyssl) ;;
      *) bad_option liveimg "$a" ;;
    esac
  done
  [ -n "$KS_LIVEIMG" ] || ks_error "$KS_LINE" "liveimg requires --url"
}

ks_network() {
  local a
  for a in "$@"; do
    case "$a" in
      --hostname=*) KS_HOSTNAME=${a#*=} ;;
    esac
  done
  log INFO anaconda "kickstart line $KS_LINE: network $* (kiln's Anaconda test double applies only --hostname)"
}

ks_services() {
  local a
  for a in "$@"; do
    case "$a" in
      --enabled=*) KS_ENABLE="$KS_ENABLE $(echo "${a#*=}" | tr ',' ' ')" ;;
      --disabled=*) KS_DISABLE="$KS_DISABLE $(echo "${a#*=}" | tr ',' ' ')" ;;
      *) bad_option services "$a" ;;
    esac
  done
}

ks_clearpart() {
  local a
  for a in "$@"; do
    case "$a" in
      --all | --linux) KS_CLEAR=1 ;;
      --none) KS_CLEAR=0 ;;
      --initlabel) ;;
      --disklabel=gpt | --disklabel=msdos) KS_DISKLABEL=${a#*=} ;;
      --disklabel=*) ks_error "$KS_LINE" "clearpart $a: kiln's Anaconda test double makes gpt and msdos disk labels" ;;
      --drives=*) check_disk_option "${a#*=}" ;;
      --list=*) not_for_test_double "clearpart --list" ;;
      *) bad_option clearpart "$a" ;;
    esac
  done
}

# ks_command COMMAND ARGS...: the first pass over one command line.
ks_command() {
  local cmd=$1
  shift
  case "$cmd" in
    cmdline) UI_MODE=cmdline; log INFO anaconda "kickstart line $KS_LINE: cmdline (non-interactive: errors are printed, not shown in a dialog)" ;;
    text | graphical) log INFO anaconda "kickstart line $KS_LINE: $cmd (the test double's only user interface is its error prompt)" ;;
    lang) for a in "$@"; do case "$a" in --*) ;; *) KS_LANG=$a ;; esac; done ;;
    keyboard | selinux | firewall | user | group | sshkey | sshpw | skipx | xconfig | firstboot | eula | \
      logging | auth | authconfig | authselect | timesource | pwpolicy | mediacheck | vnc | monitor | realm | module)
      accepted "$cmd $*" ;;
    network) ks_network "$@" ;;
    timezone) for a in "$@"; do case "$a" in --*) ;; *) KS_TIMEZONE=$a ;; esac; done ;;
    services) ks_services "$@" ;;
    zerombr) KS_CLEAR=1 ;;
    clearpart) ks_clearpart "$@" ;;
    ignoredisk) for a in "$@"; do case "$a" in --only-use=* | --drives=*) check_disk_option "${a#*=}" ;; esac; done ;;
    part | partition) ks_part "$@" ;;
    autopart) ks_autopart "$@" ;;
    bootloader) ks_bootloader "$@" ;;
    rootpw) ks_rootpw "$@" ;;
    liveimg) ks_liveimg "$@" ;;
    url | repo | cdrom | harddrive | nfs | install) KS_SOURCE="${KS_SOURCE:-$cmd (line $KS_LINE)}" ;;
    poweroff | shutdown) KS_ACTION=poweroff ;;
    reboot) KS_ACTION=reboot ;;
    halt) KS_ACTION=halt ;;
    raid | logvol | volgroup | btrfs | reqpart | iscsi | iscsiname | fcoe | zfcp | zipl | nvdimm | mount | snapshot | \
      ostreesetup | ostreecontainer | bootc | driverdisk | updates | rescue | dmraid | multipath | device | upgrade)
      not_for_test_double "$cmd" ;;
    *) ks_error "$KS_LINE" "Unknown command: $cmd" ;;
  esac
}

# parse_kickstart MODE DIR FILE: ks-parse.awk's reading of FILE into DIR (MODE pre or full); a
# kickstart error ends the install as Anaconda's does.
parse_kickstart() {
  rm -rf "$2"
  mkdir -p "$2"
  if ! awk -v mode="$1" -v out="$2" -v ks="$3" -f "$LIB/ks-parse.awk"; then
    [ -s "$2/error" ] || die anaconda "Error processing kickstart file $3"
    { read -r KS_LINE; IFS= read -r _msg; } < "$2/error"
    ks_error "$KS_LINE" "$_msg"
  fi
}

# pre_script_pass FILE: Anaconda's first pass (preScriptPass). It reads only the %pre sections,
# following the %include files that are there already, and runs them: a %pre script may write a
# file that a later %include reads, so the rest of the kickstart is read only afterwards.
pre_script_pass() {
  parse_kickstart pre "$KSPREDIR" "$1"
  run_scripts pre "$KSPREDIR"
}

# read_kickstart FILE: the full reading (every %include in place), then checks the whole of it.
read_kickstart() {
  local f t kind
  parse_kickstart full "$KSDIR" "$1"
  for f in "$KSDIR"/c.*; do
    [ -e "$f" ] || continue
    set --
    { read -r KS_LINE; while IFS= read -r t; do set -- "$@" "$t"; done; } < "$f"
    ks_command "$@"
  done
  for f in "$KSDIR"/s.*.hdr; do
    [ -e "$f" ] || continue
    { read -r KS_LINE; read -r kind; } < "$f"
    [ "$kind" = packages ] && KS_PACKAGES_LINE=$KS_LINE
  done
  check_kickstart
}

check_kickstart() {
  if [ "$KS_AUTOPART" != 0 ] && [ -n "$KS_PARTS" ]; then
    ks_error "$KS_AUTOPART" "The part/partition and autopart commands can't be used at the same time"
  fi
  if [ "$KS_AUTOPART" = 0 ] && [ -z "$KS_PARTS" ]; then
    die anaconda "no storage: give autopart or part (kiln's Anaconda test double has no interactive storage spoke)"
  fi
  if [ -n "$KS_PARTS" ] && ! echo "$KS_PARTS" | awk '$1 == "/" { f = 1 } END { exit !f }'; then
    die anaconda "no / partition: give part / (or autopart)"
  fi
  if [ -z "$KS_LIVEIMG" ]; then
    if [ -n "$KS_PACKAGES_LINE" ]; then
      ks_error "$KS_PACKAGES_LINE" "%packages needs a package installer; kiln's Anaconda test double cannot install packages: use liveimg --url="
    fi
    die packaging "no liveimg: kiln's Anaconda test double installs only a liveimg payload${KS_SOURCE:+ (it cannot use $KS_SOURCE)}"
  fi
  if [ -n "$KS_PACKAGES_LINE" ]; then
    log WARNING packaging "%packages on line $KS_PACKAGES_LINE ignored: the payload is a liveimg"
  fi
  if [ -n "$KS_SOURCE" ]; then
    log WARNING packaging "$KS_SOURCE ignored: the payload is the liveimg $KS_LIVEIMG"
  fi
}
