# Configuration of the installed system by kiln's Anaconda TEST DOUBLE (NOT Anaconda): host
# name, time zone, system locale, root password, services, and the boot loader (grub-install and update-grub
# run chrooted in the target with /dev, /proc and /sys bind-mounted, as Anaconda does).
#
# The boot loader is GRUB for the firmware the installer booted under, as Anaconda installs it:
# under BIOS `grub-install --target=i386-pc` (into the BIOS boot partition on GPT, after the MBR
# on msdos); under UEFI GRUB for EFI in the EFI system partition — with the payload's signed shim
# and signed GRUB when it has them (Secure Boot) — and at the removable-media path
# EFI/BOOT/BOOTX64.EFI, which firmware boots when its NVRAM names no loader (a fresh VM, a cloud
# instance). No NVRAM boot entry is written: the installer's variable store is thrown away.
# Under BIOS, a disk that also has an EFI system partition (a hybrid layout) gets the EFI loaders
# too, as a Fedora install gets them from its boot loader packages (grub2-efi-x64, shim-x64)
# whatever it booted under; a UEFI install gets nothing for BIOS: Fedora's cloud kickstart adds
# that in %post (grub2-install --target=i386-pc), as kiln's fedora-cloud template does.

in_target() {
  chroot "$SYSROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

bind_mounts() {
  local d
  for d in dev proc sys; do
    mkdir -p "$SYSROOT/$d"
    mount --bind "/$d" "$SYSROOT/$d" || die anaconda "could not bind-mount /$d into $SYSROOT"
  done
}

configure_system() {
  if [ -n "$KS_HOSTNAME" ]; then
    echo "$KS_HOSTNAME" > "$SYSROOT/etc/hostname"
    log INFO anaconda "host name set to $KS_HOSTNAME"
  fi
  if [ -n "$KS_TIMEZONE" ]; then
    if [ -e "$SYSROOT/usr/share/zoneinfo/$KS_TIMEZONE" ]; then
      ln -sf "/usr/share/zoneinfo/$KS_TIMEZONE" "$SYSROOT/etc/localtime"
      echo "$KS_TIMEZONE" > "$SYSROOT/etc/timezone"
      log INFO anaconda "time zone set to $KS_TIMEZONE"
    else
      log WARNING anaconda "time zone $KS_TIMEZONE is not in the payload; left unchanged"
    fi
  fi
  if [ -n "$KS_LANG" ]; then
    # As Anaconda writes /etc/locale.conf; Debian's payload reads /etc/default/locale (so does
    # cloud-init's locale module, which regenerates the locales when it names none).
    echo "LANG=$KS_LANG" > "$SYSROOT/etc/locale.conf"
    echo "LANG=$KS_LANG" > "$SYSROOT/etc/default/locale"
    # locale -a names en_US.UTF-8 en_US.utf8.
    if in_target locale -a 2>/dev/null | tr 'A-Z' 'a-z' | grep -qx "$(echo "$KS_LANG" | sed 's/\.[Uu][Tt][Ff]-*8$/.utf8/' | tr 'A-Z' 'a-z')"; then
      log INFO anaconda "system locale set to $KS_LANG"
    else
      log WARNING anaconda "system locale set to $KS_LANG, which the payload has not generated"
    fi
  fi
  set_root_password
  local s
  for s in $KS_ENABLE; do run_logged "services" in_target systemctl enable "$s" || log WARNING anaconda "could not enable service $s"; done
  for s in $KS_DISABLE; do run_logged "services" in_target systemctl disable "$s" || log WARNING anaconda "could not disable service $s"; done
}

set_root_password() {
  case "$KS_ROOTPW_MODE" in
    plaintext) echo "root:$KS_ROOTPW" | in_target chpasswd || die anaconda "could not set the root password" ;;
    iscrypted) echo "root:$KS_ROOTPW" | in_target chpasswd -e || die anaconda "could not set the root password" ;;
  esac
  if [ -n "$KS_ROOTPW_MODE" ]; then log INFO anaconda "root password set ($KS_ROOTPW_MODE)"; fi
  if [ "$KS_ROOTPW_LOCK" = 1 ] || [ -z "$KS_ROOTPW_MODE" ]; then
    in_target passwd -l root > /dev/null 2>&1 || die anaconda "could not lock the root account"
    log INFO anaconda "root account locked"
  fi
}

# GRUB_CMDLINE_LINUX gets bootloader --append (kept as a whole; quotes in it are not supported).
install_bootloader() {
  local cfg="$SYSROOT/etc/default/grub"
  if [ "$KS_BOOT_LOCATION" = none ]; then
    log INFO bootloader "bootloader --location=none: no boot loader installed"
    return 0
  fi
  [ -e "$cfg" ] || die bootloader "the payload has no /etc/default/grub (it needs grub-pc)"
  APPEND=${KS_BOOT_APPEND# } TIMEOUT=$KS_BOOT_TIMEOUT awk '
    /^GRUB_CMDLINE_LINUX=/ && ENVIRON["APPEND"] != "" {
      v = substr($0, length("GRUB_CMDLINE_LINUX=") + 1); gsub(/^"|"$/, "", v)
      $0 = "GRUB_CMDLINE_LINUX=\"" (v == "" ? "" : v " ") ENVIRON["APPEND"] "\""; done = 1
    }
    /^GRUB_TIMEOUT=/ && ENVIRON["TIMEOUT"] != "" { $0 = "GRUB_TIMEOUT=" ENVIRON["TIMEOUT"] }
    { print }
    END { if (!done && ENVIRON["APPEND"] != "") print "GRUB_CMDLINE_LINUX=\"" ENVIRON["APPEND"] "\"" }
  ' "$cfg" > /tmp/grub.default && cat /tmp/grub.default > "$cfg"
  log INFO bootloader "kernel command line: $(grep '^GRUB_CMDLINE_LINUX=' "$cfg" | tail -n 1)"
  if [ "$FIRMWARE" = uefi ]; then
    install_efi_grub
  else
    run_logged "grub-install" in_target grub-install --target=i386-pc "$DISK" || die bootloader "grub-install $DISK failed"
    [ -n "$(partition_of /boot/efi)" ] && install_efi_grub
  fi
  run_logged "update-grub" in_target update-grub || die bootloader "update-grub failed"
}

# GRUB for EFI in /boot/efi (Debian's grub-install: --uefi-secure-boot puts the signed shim and
# signed GRUB there, --force-extra-removable copies them to the removable-media path too).
install_efi_grub() {
  local target secure=""
  target=$(ls -d "$SYSROOT"/usr/lib/grub/*-efi 2>/dev/null | head -n 1)
  [ -n "$target" ] || die bootloader "the payload has no GRUB for EFI (/usr/lib/grub/<arch>-efi: grub-efi-amd64-bin); it cannot boot under UEFI"
  target=${target##*/}
  if ls "$SYSROOT"/usr/lib/grub/"$target"-signed/grub*.efi.signed > /dev/null 2>&1 && ls "$SYSROOT"/usr/lib/shim/shim*.efi.signed > /dev/null 2>&1; then
    secure=--uefi-secure-boot
  fi
  run_logged "grub-install" in_target grub-install --target="$target" --efi-directory=/boot/efi --bootloader-id=debian \
    --no-nvram --force-extra-removable $secure || die bootloader "grub-install --target=$target failed"
  log INFO bootloader "EFI system partition: $(cd "$SYSROOT/boot/efi" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')"
}

# Anaconda keeps its logs in the installed system under /var/log/anaconda.
copy_logs() {
  mkdir -p "$SYSROOT/var/log/anaconda"
  cp "$LOGFILE" "$SYSROOT/var/log/anaconda/anaconda.log"
  for f in $SCRIPT_LOGS; do [ -e "$f" ] && cp "$f" "$SYSROOT/var/log/anaconda/"; done
  return 0
}
