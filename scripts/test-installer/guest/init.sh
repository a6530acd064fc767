#!/bin/sh
# /init of the second stage (images/install.img) of kiln's Anaconda TEST DOUBLE. This is NOT
# Anaconda: it is a busybox shell script built from Debian packages (scripts/test-installer/) so
# that kiln's install stage can be tested where no Fedora tree or Anaconda can be had. The first
# stage (stage1.sh, the initrd) fetched this image from the install tree, mounted it and switched
# to it, with /proc, /sys, /dev and /run (the kickstart in /run/install/ks.cfg) moved along. It
# reads a kickstart subset (see scripts/test-installer/README.md), logs like Anaconda on the
# virtio port org.fedoraproject.anaconda.log.0 and the console, and fails with Anaconda's wording.
#
# Order, as in Anaconda: a first pass that reads only the %pre scripts and runs them (one may
# write a file a later %include reads); read and check the whole kickstart, every %include in its
# place; plan the partitions and check that the boot loader will have what it needs for the
# firmware the installer booted under; partition, format and mount under /mnt/sysimage; unpack
# the liveimg payload; fstab, host name, time zone, root password, services; boot loader; %post;
# copy the logs; unmount;
# poweroff/reboot/halt.

# /sbin first: the real mke2fs there, not busybox's ext2-only applet.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
LIB=/usr/share/anaconda-test-double
LOG_PORT_NAME=org.fedoraproject.anaconda.log.0
SCRIPT_LOGS=""
UI_MODE=text

/bin/busybox --install -s

. $LIB/log.sh
. $LIB/kickstart.sh
. $LIB/scripts.sh
. $LIB/storage.sh
. $LIB/payload.sh
. $LIB/system.sh

# Named virtio ports are vportNpM devices whose names are in sysfs; udev links every one under
# /dev/virtio-ports/<name> (Anaconda's log port, and any other channel the host gave the guest,
# which %post scripts may write to). The test double has no udev, so it makes those links itself.
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

# Anaconda forwards its log to the port when the port is there, and never waits for it.
find_log_port() {
  link_virtio_ports
  [ -e "/dev/virtio-ports/$LOG_PORT_NAME" ] && PORT=/dev/virtio-ports/$LOG_PORT_NAME
}

# Anaconda's boot options; others (console=, quiet, …) belong to the kernel. The first stage has
# used inst.repo= / inst.stage2= already.
read_cmdline() {
  local arg
  INST_KS=""
  for arg in $(cat /proc/cmdline); do
    case "$arg" in
      inst.ks=* | ks=*) INST_KS=${arg#*=} ;;
      inst.repo=* | inst.stage2=* | repo=* | stage2=* | method=*) log INFO anaconda "boot option $arg: the installer image came from there" ;;
      inst.cmdline | cmdline) UI_MODE=cmdline; log INFO anaconda "boot option $arg accepted" ;;
      inst.text | text) log INFO anaconda "boot option $arg accepted" ;;
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

find_log_port || echo "warning: no virtio port named $LOG_PORT_NAME; logging to the console only"
log INFO anaconda "kiln's Anaconda test double (NOT Anaconda: a busybox shell script) $(cat /etc/anaconda-test-double/version 2>/dev/null) on $(uname -r) $(uname -m)"
read_cmdline
get_kickstart "$INST_KS"
pre_script_pass "$KS_PATH"
read_kickstart "$KS_PATH"
plan_partitions
check_boot_storage
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
