# Storage for kiln's Anaconda TEST DOUBLE (NOT Anaconda): one disk (vda) with a GPT or msdos
# label (clearpart --disklabel=, else GPT when booted under UEFI and msdos under BIOS), ext2/ext3/
# ext4, swap, an EFI system partition (vfat at /boot/efi), a BIOS boot partition and a PReP boot
# partition (both unformatted), mounted under /mnt/sysimage like Anaconda's sysroot; /etc/fstab by
# UUID. msdos takes primary partitions only (at most 4). Anaconda's autopart (LVM, /boot, swap)
# is reduced to one / partition filling the disk, with an EFI system partition under UEFI.

DISK=/dev/vda
DISK_NAME=vda
SYSROOT=/mnt/sysimage
PLAN=""        # one line per partition: "NUMBER MOUNTPOINT SIZE_MIB FSTYPE LINE"
FSTAB=""
LABEL=msdos
# The firmware the installer booted under, as Anaconda tells it: EFI variables in sysfs.
if [ -d /sys/firmware/efi ]; then FIRMWARE=uefi; else FIRMWARE=bios; fi

# Partition types: GPT GUIDs and msdos ids, per kind of partition.
part_type() { # FSTYPE
  case "$LABEL:$1" in
    gpt:swap) echo 0657FD6D-A4AB-43C4-84E5-0933C84B4F4F ;;
    gpt:biosboot) echo 21686148-6449-6E6F-744E-656564454649 ;;
    gpt:prepboot) echo 9E1A2D38-C612-4316-AA26-8B49521E5A8B ;;
    gpt:efi) echo C12A7328-F81F-11D2-BA4B-00A0C93EC93B ;;
    gpt:*) echo 0FC63DAF-8483-4772-8E79-3D69D8477DE4 ;;
    msdos:swap) echo 82 ;;
    msdos:prepboot) echo 41 ;;
    msdos:efi) echo ef ;;
    *) echo 83 ;;
  esac
}

wait_for() { # PATH SECONDS
  local i=0
  while [ ! -e "$1" ] && [ $i -lt $(($2 * 10)) ]; do
    usleep 100000
    i=$((i + 1))
  done
  [ -e "$1" ]
}

# Partition order, as blivet weighs them: the BIOS boot partition, the EFI system partition,
# /boot, the PReP boot partition, then the others in kickstart order; --grow partitions share
# the free space. All in MiB, with 1 MiB before the first partition and 1 MiB spare at the end
# (GPT's backup table).
plan_partitions() {
  local sectors
  if [ "$KS_AUTOPART" != 0 ]; then
    KS_PARTS="/ 1024 1 $KS_AUTOPART_FSTYPE $KS_AUTOPART"
    [ "$FIRMWARE" = uefi ] && KS_PARTS="/boot/efi 200 0 efi $KS_AUTOPART
$KS_PARTS"
  fi
  LABEL=${KS_DISKLABEL:-$([ "$FIRMWARE" = uefi ] && echo gpt || echo msdos)}
  log INFO storage "booted under $([ "$FIRMWARE" = uefi ] && echo UEFI || echo BIOS); disk label $LABEL"
  wait_for /sys/block/$DISK_NAME 10 || die storage "No disks found: kiln's Anaconda test double needs a virtio disk (vda)"
  sectors=$(cat /sys/block/$DISK_NAME/size)
  PLAN=$(echo "$KS_PARTS" | awk -v disk=$((sectors / 2048)) -v label="$LABEL" '
    NF == 5 {
      if (label == "msdos" && $4 == "biosboot") next
      n++; m[n] = $1; s[n] = $2; g[n] = $3; f[n] = $4; l[n] = $5; total += $2; if ($3) grows++
    }
    END {
      if (label == "msdos" && n > 4) { print "ERROR kiln'\''s Anaconda test double makes at most 4 partitions on an msdos label (primary only)"; exit }
      free = disk - 2 - total
      if (free < 0) { print "ERROR insufficient disk space: the partitions need " total + 2 " MiB, the disk has " disk " MiB"; exit }
      k = 0
      split("biosboot efi /boot prepboot", first, " ")
      for (r = 1; r <= 4; r++) for (i = 1; i <= n; i++) if (!(i in done) && (f[i] == first[r] || m[i] == first[r])) { o[++k] = i; done[i] = 1 }
      for (i = 1; i <= n; i++) if (!(i in done)) o[++k] = i
      extra = grows ? int(free / grows) : 0
      for (j = 1; j <= k; j++) { i = o[j]; print j, m[i], s[i] + (g[i] ? extra : 0), f[i], l[i] }
    }')
  case "$PLAN" in ERROR*) die storage "${PLAN#ERROR }" ;; esac
  if [ "$LABEL" = msdos ] && echo "$KS_PARTS" | awk '$4 == "biosboot" { f = 1 } END { exit !f }'; then
    log INFO storage "part biosboot skipped: an msdos label keeps GRUB's core image after the MBR"
  fi
  log INFO storage "partitioning $DISK_NAME ($((sectors / 2048)) MiB, $LABEL):"
  echo "$PLAN" | while read -r num mnt size fstype line; do
    log INFO storage "  ${DISK_NAME}$num $mnt $fstype ${size} MiB (kickstart line $line)"
  done
}

# What the boot loader needs, checked before the disk is touched (as Anaconda's storage checks
# do), with Anaconda's words.
check_boot_storage() {
  [ "$KS_BOOT_LOCATION" = none ] && return 0
  if [ "$FIRMWARE" = uefi ]; then
    if [ "$LABEL" != gpt ] || ! echo "$PLAN" | awk '$4 == "efi" { f = 1 } END { exit !f }'; then
      die storage "For a UEFI installation, you must include an EFI System Partition on a GPT-formatted disk, mounted at /boot/efi."
    fi
  elif [ "$LABEL" = gpt ] && ! echo "$PLAN" | awk '$4 == "biosboot" { f = 1 } END { exit !f }'; then
    die storage "Your BIOS-based system needs a special partition to boot from a GPT disk label. To continue, please create a 1MiB 'biosboot' type partition."
  fi
}

make_partitions() {
  local boot script
  if [ "$KS_CLEAR" = 0 ] && sfdisk -d $DISK > /dev/null 2>&1; then
    die storage "$DISK_NAME already has partitions and the kickstart has no clearpart --all or zerombr"
  fi
  boot=$(echo "$PLAN" | awk '$2 == "/boot" { print $1 }')
  [ -n "$boot" ] || boot=$(echo "$PLAN" | awk '$2 == "/" { print $1 }')
  script=$(echo "$PLAN" | while read -r num mnt size fstype line; do
    printf 'size=%dMiB, type=%s%s\n' "$size" "$(part_type "$fstype")" "$([ "$LABEL" = msdos ] && [ "$num" = "$boot" ] && echo ', bootable')"
  done)
  printf 'label: %s\n%s\n' "$([ "$LABEL" = gpt ] && echo gpt || echo dos)" "$script" > /tmp/sfdisk.in
  run_logged "partitioning" sfdisk --wipe always --wipe-partitions always $DISK < /tmp/sfdisk.in ||
    die storage "sfdisk could not partition $DISK_NAME"
}

make_filesystems() {
  local num mnt size fstype line dev uuid
  echo "$PLAN" > /tmp/plan
  while read -r num mnt size fstype line; do
    dev=$DISK$num
    wait_for "$dev" 10 || die storage "$dev did not appear after partitioning"
    case "$fstype" in
      biosboot | prepboot) continue ;;
      swap) run_logged "mkswap" mkswap "$dev" || die storage "mkswap $dev failed" ;;
      efi) run_logged "mkfs.fat" mkfs.fat "$dev" || die storage "mkfs.fat $dev failed" ;;
      *) run_logged "mkfs" /sbin/mke2fs -q -F -t "$fstype" "$dev" || die storage "mke2fs -t $fstype $dev failed" ;;
    esac
    uuid=$(blkid -s UUID -o value "$dev")
    [ -n "$uuid" ] || die storage "blkid found no UUID on $dev"
    # udev's link, which grub-mkconfig needs to write root=UUID=… instead of root=/dev/vdaN.
    mkdir -p /dev/disk/by-uuid
    ln -sf "../../${dev#/dev/}" "/dev/disk/by-uuid/$uuid"
    case "$fstype" in
      swap) FSTAB="${FSTAB}UUID=$uuid none swap defaults 0 0
" ;;
      # Anaconda's options for an EFI system partition.
      efi) FSTAB="${FSTAB}UUID=$uuid $mnt vfat umask=0077,shortname=winnt 0 2
" ;;
      *) FSTAB="${FSTAB}UUID=$uuid $mnt $fstype defaults 1 $([ "$mnt" = / ] && echo 1 || echo 2)
" ;;
    esac
  done < /tmp/plan
}

# Mounts the new filesystems under $SYSROOT, parents first.
mount_target() {
  local depth num mnt size fstype line
  echo "$PLAN" | awk '$4 != "swap" && $4 != "biosboot" && $4 != "prepboot" { d = ($2 == "/") ? 0 : gsub("/", "/", $2); print d, $0 }' | sort -n > /tmp/mounts
  while read -r depth num mnt size fstype line; do
    mkdir -p "$SYSROOT$mnt"
    [ "$fstype" = efi ] && fstype=vfat
    mount -t "$fstype" "$DISK$num" "$SYSROOT$mnt" || die storage "mount $DISK$num on $SYSROOT$mnt failed"
    log INFO storage "mounted $DISK$num ($fstype) on $SYSROOT$mnt"
  done < /tmp/mounts
}

# The partition mounted at MOUNTPOINT, or nothing.
partition_of() {
  echo "$PLAN" | awk -v m="$1" '$2 == m { print "'"$DISK"'" $1 }'
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
