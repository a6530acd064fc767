# Storage for kiln's Anaconda TEST DOUBLE (NOT Anaconda): one disk (vda) with an msdos label,
# primary partitions only (at most 4), ext2/ext3/ext4 and swap, mounted under /mnt/sysimage like
# Anaconda's sysroot; /etc/fstab by UUID. Anaconda's autopart (LVM, /boot, swap) is reduced to
# one / partition filling the disk.

DISK=/dev/vda
DISK_NAME=vda
SYSROOT=/mnt/sysimage
PLAN=""        # one line per partition: "NUMBER MOUNTPOINT SIZE_MIB FSTYPE LINE"
FSTAB=""

wait_for() { # PATH SECONDS
  local i=0
  while [ ! -e "$1" ] && [ $i -lt $(($2 * 10)) ]; do
    usleep 100000
    i=$((i + 1))
  done
  [ -e "$1" ]
}

# Partition sizes: /boot first, then the others in kickstart order; --grow partitions share the
# free space. All in MiB, with 1 MiB before the first partition and 1 MiB spare at the end.
plan_partitions() {
  local sectors
  [ "$KS_AUTOPART" = 0 ] || KS_PARTS="/ 1024 1 $KS_AUTOPART_FSTYPE $KS_AUTOPART"
  wait_for /sys/block/$DISK_NAME 10 || die storage "No disks found: kiln's Anaconda test double needs a virtio disk (vda)"
  sectors=$(cat /sys/block/$DISK_NAME/size)
  PLAN=$(echo "$KS_PARTS" | awk -v disk=$((sectors / 2048)) '
    NF == 5 { n++; m[n] = $1; s[n] = $2; g[n] = $3; f[n] = $4; l[n] = $5; total += $2; if ($3) grows++ }
    END {
      if (n > 4) { print "ERROR kiln'\''s Anaconda test double makes at most 4 partitions (primary, msdos label)"; exit }
      free = disk - 2 - total
      if (free < 0) { print "ERROR insufficient disk space: the partitions need " total + 2 " MiB, the disk has " disk " MiB"; exit }
      k = 0
      for (i = 1; i <= n; i++) if (m[i] == "/boot") o[++k] = i
      for (i = 1; i <= n; i++) if (m[i] != "/boot") o[++k] = i
      extra = grows ? int(free / grows) : 0
      for (j = 1; j <= k; j++) { i = o[j]; print j, m[i], s[i] + (g[i] ? extra : 0), f[i], l[i] }
    }')
  case "$PLAN" in ERROR*) die storage "${PLAN#ERROR }" ;; esac
  log INFO storage "partitioning $DISK_NAME ($((sectors / 2048)) MiB):"
  echo "$PLAN" | while read -r num mnt size fstype line; do
    log INFO storage "  ${DISK_NAME}$num $mnt $fstype ${size} MiB (kickstart line $line)"
  done
}

make_partitions() {
  local boot script
  if [ "$KS_CLEAR" = 0 ] && sfdisk -d $DISK > /dev/null 2>&1; then
    die storage "$DISK_NAME already has partitions and the kickstart has no clearpart --all or zerombr"
  fi
  boot=$(echo "$PLAN" | awk '$2 == "/boot" { print $1 }')
  [ -n "$boot" ] || boot=$(echo "$PLAN" | awk '$2 == "/" { print $1 }')
  script=$(echo "$PLAN" | awk -v boot="$boot" '
    BEGIN { print "label: dos" }
    { printf "size=%dMiB, type=%s%s\n", $3, ($4 == "swap" ? "82" : "83"), ($1 == boot ? ", bootable" : "") }')
  echo "$script" > /tmp/sfdisk.in
  run_logged "partitioning" sfdisk --wipe always --wipe-partitions always $DISK < /tmp/sfdisk.in ||
    die storage "sfdisk could not partition $DISK_NAME"
}

make_filesystems() {
  local num mnt size fstype line dev uuid
  echo "$PLAN" > /tmp/plan
  while read -r num mnt size fstype line; do
    dev=$DISK$num
    wait_for "$dev" 10 || die storage "$dev did not appear after partitioning"
    if [ "$fstype" = swap ]; then
      run_logged "mkswap" mkswap "$dev" || die storage "mkswap $dev failed"
    else
      run_logged "mkfs" /sbin/mke2fs -q -F -t "$fstype" "$dev" || die storage "mke2fs -t $fstype $dev failed"
    fi
    uuid=$(blkid -s UUID -o value "$dev")
    [ -n "$uuid" ] || die storage "blkid found no UUID on $dev"
    # udev's link, which grub-mkconfig needs to write root=UUID=… instead of root=/dev/vdaN.
    mkdir -p /dev/disk/by-uuid
    ln -sf "../../${dev#/dev/}" "/dev/disk/by-uuid/$uuid"
    if [ "$fstype" = swap ]; then
      FSTAB="${FSTAB}UUID=$uuid none swap defaults 0 0
"
    else
      FSTAB="${FSTAB}UUID=$uuid $mnt $fstype defaults 1 $([ "$mnt" = / ] && echo 1 || echo 2)
"
    fi
  done < /tmp/plan
}

# Mounts the new filesystems under $SYSROOT, parents first.
mount_target() {
  local depth num mnt size fstype line
  echo "$PLAN" | awk '$4 != "swap" { d = ($2 == "/") ? 0 : gsub("/", "/", $2); print d, $0 }' | sort -n > /tmp/mounts
  while read -r depth num mnt size fstype line; do
    mkdir -p "$SYSROOT$mnt"
    mount -t "$fstype" "$DISK$num" "$SYSROOT$mnt" || die storage "mount $DISK$num on $SYSROOT$mnt failed"
    log INFO storage "mounted $DISK$num ($fstype) on $SYSROOT$mnt"
  done < /tmp/mounts
}

write_fstab() {
  {
    echo "# /etc/fstab, written by kiln's Anaconda test double (filesystems by UUID)"
    printf '%s' "$FSTAB"
  } > "$SYSROOT/etc/fstab"
  log INFO storage "wrote /etc/fstab"
}

# Everything mounted under $SYSROOT (bind mounts included), children first. Safe to call early.
unmount_target() {
  grep " $SYSROOT" /proc/mounts | awk '{ print $2 }' | sort -r > /tmp/umounts
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done < /tmp/umounts
  return 0
}
