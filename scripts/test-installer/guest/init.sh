#!/bin/sh
# /init of kiln's Anaconda TEST DOUBLE. This is NOT Anaconda: it is a busybox shell script built
# from Debian packages (scripts/test-installer/) so that kiln's install stage can be tested where
# no Fedora tree or Anaconda can be had. It accepts Anaconda's boot options and a kickstart subset
# (see scripts/test-installer/README.md), logs like Anaconda on the virtio port
# org.fedoraproject.anaconda.log.0 and the console, and fails with Anaconda's wording.
#
# Order, as in Anaconda: read and check the whole kickstart; %pre; partition, format and mount
# under /mnt/sysimage; unpack the liveimg payload; fstab, host name, time zone, root password,
# services; boot loader; %post; copy the logs; unmount; poweroff/reboot/halt.

# /sbin first: the real mke2fs there, not busybox's ext2-only applet.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
LIB=/usr/share/anaconda-test-double
LOG_PORT_NAME=org.fedoraproject.anaconda.log.0
SCRIPT_LOGS=""

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s

. $LIB/log.sh
. $LIB/kickstart.sh
. $LIB/scripts.sh
. $LIB/storage.sh
. $LIB/payload.sh
. $LIB/system.sh

load_modules() {
  local ko
  while read -r ko; do
    insmod "$ko" 2> /tmp/insmod.err || grep -q 'File exists' /tmp/insmod.err || cat /tmp/insmod.err
  done < /etc/anaconda-test-double/modules
}

# Named virtio ports are vportNpM devices whose names are in sysfs; udev links every one under
# /dev/virtio-ports/<name> (Anaconda's log port, and any other channel the host gave the guest,
# which %post scripts may write to). The test double has no udev, so it makes those links itself
# and waits for the log port among them.
link_virtio_ports() {
  local n dev name
  for n in /sys/class/virtio-ports/*/name; do
    [ -r "$n" ] || continue
    name=$(cat "$n")
    [ -n "$name" ] || continue
    dev=${n%/name}
    dev=${dev##*/}
    [ -e "/dev/$dev" ] || continue
    mkdir -p /dev/virtio-ports
    ln -sf "../$dev" "/dev/virtio-ports/$name"
  done
}

find_log_port() {
  local i
  for i in $(seq 30); do
    link_virtio_ports
    if [ -e "/dev/virtio-ports/$LOG_PORT_NAME" ]; then
      PORT=/dev/virtio-ports/$LOG_PORT_NAME
      return 0
    fi
    usleep 100000
  done
  return 1
}

# Anaconda's boot options; others (console=, quiet, …) belong to the kernel.
read_cmdline() {
  local arg
  INST_KS=""
  for arg in $(cat /proc/cmdline); do
    case "$arg" in
      inst.ks=* | ks=*) INST_KS=${arg#*=} ;;
      inst.repo=* | inst.stage2=* | repo=* | stage2=*)
        log INFO anaconda "boot option $arg accepted (the test double installs only the kickstart's liveimg)" ;;
      inst.text | inst.cmdline | text | cmdline) log INFO anaconda "boot option $arg accepted" ;;
      console=*) log INFO anaconda "console: ${arg#console=}" ;;
    esac
  done
}

finish() {
  copy_logs
  log INFO anaconda "Installation complete (kiln's Anaconda test double)"
  unmount_target
  sync
  case "$KS_ACTION" in
    poweroff) log INFO anaconda "powering off"; sleep 1; poweroff -f ;;
    reboot) log INFO anaconda "rebooting"; sleep 1; reboot -f ;;
    *)
      # Anaconda's default (and `halt`): wait for a key, then reboot.
      say "Installation complete. Press ENTER to quit:"
      read -r _ < /dev/console
      reboot -f ;;
  esac
  sleep 60
}

load_modules
find_log_port || echo "warning: no virtio port named $LOG_PORT_NAME; logging to the console only"
log INFO anaconda "kiln's Anaconda test double (NOT Anaconda: a busybox shell script) $(cat /etc/anaconda-test-double/version 2>/dev/null) on $(uname -r) $(uname -m)"
read_cmdline
get_kickstart "$INST_KS"
read_kickstart "$KS_PATH"
run_scripts pre
plan_partitions
make_partitions
make_filesystems
mount_target
run_scripts pre-install
install_payload
write_fstab
configure_system
bind_mounts
install_bootloader
run_scripts post
finish
