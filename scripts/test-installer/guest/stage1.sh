#!/bin/sh
# /init of the initrd of kiln's Anaconda TEST DOUBLE (NOT dracut, NOT Anaconda: a busybox shell
# script). It is the first stage, and does what the anaconda module of dracut does in a Fedora 19
# to 33 initramfs, with dracut's messages on the console:
#
# - boot options: inst.repo= and inst.stage2= (the bare repo= and stage2= of those releases too;
#   a stage2 location wins over the repo; method= is deprecated and read as repo=); inst.ks=file:
#   kickstarts are kept for the second stage in /run/install/ks.cfg;
# - network by DHCP, then from an http(s)/ftp location: .treeinfo, its [stage2] mainimage
#   (images/install.img when it names none), else LiveOS/squashfs.img;
# - the squashfs is mounted read-only with a writable overlay on /sysroot, and the second stage
#   (the installer) starts there by switch_root;
# - a location it cannot use is a warning, then the initqueue waits (rd.retry=, 180 s), prints its
#   timeout messages and Anaconda's error report, and stops at "Could not boot." for good.

export PATH=/sbin:/bin:/usr/sbin:/usr/bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s
mkdir -p /run && mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/install /run/anaconda /tmp

UNIT=dracut-cmdline
HOOK_FINISHED='/lib/dracut/hooks/initqueue/finished/devexists-\x2fdev\x2froot.sh'

# Console lines as systemd shows dracut's units (StandardOutput=journal+console).
info() { echo "$UNIT[$$]: $*"; }
warn() { echo "$UNIT[$$]: Warning: $*"; }
warn_critical() {
  echo "$*" >> /run/anaconda/initrd_errors.txt
  warn "$*"
}

# getarg NAME=...: the value of the last NAME= on the command line; the first NAME present wins.
getarg() {
  local name value found a
  for name in "$@"; do
    found=1
    value=""
    for a in $(cat /proc/cmdline); do
      case "$a" in "$name"*) value=${a#"$name"}; found=0 ;; esac
    done
    [ $found = 0 ] && { echo "$value"; return 0; }
  done
  return 1
}

# config_get SECTION KEY < FILE, as anaconda-lib.sh reads .treeinfo and .buildstamp.
config_get() {
  awk -v s="$1" -v k="$2" '
    /^[ \t]*#/ { next }
    /^\[.*\]/ { sec = substr($0, 2, index($0, "]") - 2); next }
    sec == s && index($0, "=") {
      key = substr($0, 1, index($0, "=") - 1); val = substr($0, index($0, "=") + 1)
      gsub(/^[ \t]+|[ \t]+$/, "", key); gsub(/^[ \t]+|[ \t]+$/, "", val)
      if (key == k) { print val; exit }
    }'
}

load_modules() {
  local ko
  while read -r ko; do
    insmod "$ko" 2> /tmp/insmod.err || grep -q 'File exists' /tmp/insmod.err || cat /tmp/insmod.err
  done < /etc/anaconda-test-double/modules
}

net_up() {
  local d i
  ip link set lo up
  for d in /sys/class/net/*; do
    i=${d##*/}
    [ "$i" = lo ] && continue
    ip link set "$i" up
    udhcpc -i "$i" -n -q -t 10 -T 1 -s /usr/share/udhcpc/default.script > /tmp/udhcpc.log 2>&1 && return 0
  done
  warn "no network interface got a DHCP lease"
  return 1
}

# fetch_url URL FILE: dracut's url-lib (curl --fail) with busybox wget.
fetch_url() {
  case "$1" in
    http://* | ftp://*) wget -q -O "$2" "$1" 2> /tmp/wget.err && return 0 ;;
    *) echo "kiln's Anaconda test double fetches only http:// and ftp:// URLs" > /tmp/wget.err ;;
  esac
  rm -f "$2"
  warn "Downloading '$1' failed!"
  return 1
}

# anaconda_net_root REPO: the stage2 image of REPO (a tree, or the image itself) in /run/install.
anaconda_net_root() {
  local repo=${1%/} stage2="" img=/run/install/install.img
  info "anaconda: fetching stage2 from $repo"
  case "$repo" in
    *.img | *.squashfs)
      if fetch_url "$repo" "$img"; then
        info "anaconda: successfully fetched stage2 from $repo"
        return 0
      fi
      warn_critical "anaconda: failed to fetch stage2 from $repo"
      return 1 ;;
  esac
  if fetch_url "$repo/.treeinfo" /tmp/treeinfo; then
    stage2=$(config_get stage2 mainimage < /tmp/treeinfo)
  fi
  if [ -z "$stage2" ]; then
    warn "can't find installer main image path in .treeinfo"
    stage2=images/install.img
  fi
  if fetch_url "$repo/$stage2" "$img" || fetch_url "$repo/LiveOS/squashfs.img" "$img"; then
    info "anaconda: successfully fetched stage2 from $repo"
    return 0
  fi
  warn_critical "anaconda: failed to fetch stage2 from $repo"
  return 1
}

# dracut's die: the console says FATAL, the initqueue gives up at once.
fatal() {
  echo "dracut: FATAL: $*"
  echo "dracut: Refusing to continue"
  could_not_boot
}

mount_stage2() {
  mkdir -p /run/rootfsbase /run/overlayfs /run/ovlwork /sysroot
  mount -t squashfs -o ro,loop /run/install/install.img /run/rootfsbase 2> /tmp/mount.err ||
    fatal "Failed to mount block device of live image: $(cat /tmp/mount.err)"
  mount -t overlay LiveOS_rootfs -o lowerdir=/run/rootfsbase,upperdir=/run/overlayfs,workdir=/run/ovlwork /sysroot 2> /tmp/mount.err ||
    fatal "Failed to mount the overlay of the live image: $(cat /tmp/mount.err)"
  [ -x /sysroot/init ] || fatal "the stage2 image has no /init"
}

# The initqueue's end when the root never appears: timeout messages, Anaconda's error report
# (its initqueue/timeout hook), then "Could not boot." and the emergency shell, which waits.
could_not_boot() {
  echo
  warn "Could not boot."
  [ -e /dev/root ] || warn "/dev/root does not exist"
  echo
  echo "Entering emergency mode. Exit the shell to continue."
  echo "(kiln's Anaconda test double waits here for good; it has no emergency shell)"
  while :; do sleep 3600; done
}

initqueue_timeout() {
  local retry=${RDRETRY:-180} waited=0
  while [ $waited -lt $((retry * 2 / 3)) ]; do sleep 1; waited=$((waited + 1)); done
  warn "dracut-initqueue: timeout, still waiting for following initqueue hooks:"
  warn "$HOOK_FINISHED: \"[ -e \"/dev/root\" ]\""
  warn "dracut-initqueue: starting timeout scripts"
  warn "############# Anaconda installer errors begin #############"
  if [ -s /run/anaconda/initrd_errors.txt ]; then
    while read -r line; do warn "$line"; done < /run/anaconda/initrd_errors.txt
  else
    warn "Reason unknown"
  fi
  warn "############# Anaconda installer errors end ###############"
  while [ $waited -lt "$retry" ]; do sleep 1; waited=$((waited + 1)); done
  could_not_boot
}

# The kickstart from the command line: file: ones live in this initramfs, which switch_root
# empties; the second stage reads them from /run/install/ks.cfg, as Anaconda does.
keep_kickstart() {
  local ks
  ks=$(getarg inst.ks= ks=) || return 0
  case "$ks" in
    file:*) [ -r "${ks#file:}" ] && cp "${ks#file:}" /run/install/ks.cfg ;;
  esac
  return 0
}

switch_to_stage2() {
  local d
  cp /etc/resolv.conf /sysroot/etc/resolv.conf 2> /dev/null
  for d in proc sys dev run; do
    mkdir -p "/sysroot/$d"
    mount --move "/$d" "/sysroot/$d"
  done
  exec switch_root /sysroot /init
}

buildstamp=/.buildstamp
product=$(config_get Main Product < $buildstamp)
version=$(config_get Main Version < $buildstamp)
arch=$(config_get Main UUID < $buildstamp)
echo "Loading $product $version ${arch##*.} installer..."
load_modules
RDRETRY=$(getarg rd.retry=)

if method=$(getarg method=); then
  warn "'method=' is deprecated. Using 'repo=$method' instead."
fi
repo=$(getarg repo= inst.repo=) || repo=$method
arg=repo
stage2=$(getarg stage2= inst.stage2=) && [ -n "$stage2" ] && arg=stage2 && repo=$stage2
case "$repo" in
  http:* | https:* | ftp:*) ;;
  "") warn_critical "No inst.repo or inst.stage2: kiln's Anaconda test double has no installation media to search" ;;
  nfs:* | nfs4:* | hd:* | cd | cd:* | cdrom | cdrom:*)
    warn_critical "kiln's Anaconda test double cannot use inst.$arg=$repo (only http and ftp locations)"; repo="" ;;
  *) warn_critical "Invalid value for 'inst.$arg': $repo"; repo="" ;;
esac
keep_kickstart

UNIT=dracut-initqueue
if [ -n "$repo" ] && net_up && anaconda_net_root "$repo"; then
  mount_stage2
  switch_to_stage2
fi
initqueue_timeout
