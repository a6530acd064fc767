# kiln cloud prep: runs inside the guest's root filesystem, in libguestfs' appliance (virt-sysprep
# --run), with the guest's own tools. The settings above this line were written by kiln.
# It never exits non-zero on a problem it can describe: it reports every finding, one
# "key<TAB>value" line each, on the report disk, and kiln decides (src/targets/prep/report.ts).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
R=/tmp/kiln-prep-report.$$
: > "$R"
say() { printf '%s\t%s\n' "$1" "$2" >> "$R"; }
tailof() { printf '%s' "$1" | tail -n 8 | tr '\n' ' '; }
CHANGED=''

# Rewrites a file in place from stdin: `cat >` keeps its inode, mode, owner and SELinux label
# (so such files need no relabelling; CHANGED lists only files created anew).
replace_file() {
  cat > "$1.kiln-new" && cat "$1.kiln-new" > "$1" && rm -f "$1.kiln-new"
}

# Filters kernel arguments: drops the removed ones and those about to be added; $2=add appends.
kiln_args() {
  set -f
  res=''
  for w in $1; do
    keep=1
    for r in $KILN_REMOVE; do
      case "$r" in
        *=) case "$w" in "$r"*) keep=0 ;; esac ;;
        *) [ "$w" = "$r" ] && keep=0 ;;
      esac
    done
    for a in $KILN_ADD; do [ "$w" = "$a" ] && keep=0; done
    [ "$keep" = 1 ] && res="$res $w"
  done
  if [ "$2" = add ]; then for a in $KILN_ADD; do res="$res $a"; done; fi
  set +f
  printf '%s' "${res# }"
}

dq() { printf '%s' "$1" | sed 's/[\\"$`]/\\&/g'; }

# --- cloud-init datasources ---------------------------------------------------------------
if [ -n "$KILN_CLOUD_CFG" ]; then
  if [ -d /etc/cloud ]; then
    mkdir -p /etc/cloud/cloud.cfg.d
    printf '%s\n' "$KILN_CLOUD_CFG" > /etc/cloud/cloud.cfg.d/99_kiln.cfg
    CHANGED="$CHANGED /etc/cloud/cloud.cfg.d/99_kiln.cfg"
    say cloud-init yes
  else
    say cloud-init no
  fi
fi

# --- the image's default cloud user: whom a boot test logs in as (cloud-init's merged config).
if [ -d /etc/cloud ] && command -v python3 >/dev/null 2>&1; then
  u=$(python3 -c '
from cloudinit import util
cfg = util.read_conf_with_confd("/etc/cloud/cloud.cfg")
user = cfg.get("user")
if isinstance(user, dict): user = user.get("name")
if not isinstance(user, str):
    user = ((cfg.get("system_info") or {}).get("default_user") or {}).get("name")
print(user or "")
' 2>/dev/null)
  [ -n "$u" ] && say cloud-user "$u"
fi

# --- sshd: no password logins ---------------------------------------------------------------
if [ "$KILN_SSH_PASSWORD_OFF" = 1 ]; then
  if [ -f /etc/ssh/sshd_config ]; then
    # sshd keeps the first value it reads: a line at the very top wins over later lines and over
    # the files the Include line pulls in.
    if [ "$(head -n 1 /etc/ssh/sshd_config)" != 'PasswordAuthentication no' ]; then
      { echo 'PasswordAuthentication no'; cat /etc/ssh/sshd_config; } | replace_file /etc/ssh/sshd_config
    fi
    say sshd yes
  else
    say sshd no
  fi
fi

# --- SSH host keys: virt-sysprep removes them; the guest must make new ones at first boot, also
# where no cloud-init datasource answers (appliances, local boots). Fedora-family guests do it
# with sshd-keygen@.service; Debian-family ssh.service only checks (sshd -t) and fails.
if [ -f /etc/ssh/sshd_config ]; then
  if [ -f /usr/lib/systemd/system/sshd-keygen@.service ] || [ -f /lib/systemd/system/sshd-keygen@.service ]; then
    say ssh-keygen sshd-keygen@.service
  elif [ -f /lib/systemd/system/ssh.service ] || [ -f /usr/lib/systemd/system/ssh.service ]; then
    mkdir -p /etc/systemd/system/ssh.service.d
    printf '%s\n' '[Service]' '# kiln: the host keys were removed from the image; make them on first start.' \
      'ExecStartPre=' 'ExecStartPre=/usr/bin/ssh-keygen -A' 'ExecStartPre=/usr/sbin/sshd -t' \
      > /etc/systemd/system/ssh.service.d/kiln-host-keys.conf
    CHANGED="$CHANGED /etc/systemd/system/ssh.service.d/kiln-host-keys.conf"
    say ssh-keygen ssh.service.d/kiln-host-keys.conf
  else
    say warning "no way found to make SSH host keys at boot (no sshd-keygen@.service, no ssh.service)"
  fi
fi

# --- kernel command line, through grub's own configuration --------------------------------
G=/etc/default/grub
if [ -f "$G" ]; then
  cur=$( (. "$G" >/dev/null 2>&1; printf '%s' "${GRUB_CMDLINE_LINUX-}") )
  curdef=$( (. "$G" >/dev/null 2>&1; printf '%s' "${GRUB_CMDLINE_LINUX_DEFAULT-}") )
  new=$(kiln_args "$cur" add)
  newdef=$(kiln_args "$curdef" keep)
  drop='GRUB_CMDLINE_LINUX|GRUB_CMDLINE_LINUX_DEFAULT'
  [ -n "$KILN_GRUB_TIMEOUT" ] && drop="$drop|GRUB_TIMEOUT|GRUB_TIMEOUT_STYLE|GRUB_HIDDEN_TIMEOUT"
  [ "$KILN_GRUB_SERIAL" = 1 ] && drop="$drop|GRUB_TERMINAL|GRUB_TERMINAL_INPUT|GRUB_TERMINAL_OUTPUT|GRUB_SERIAL_COMMAND"
  {
    grep -v -E "^[[:space:]]*(export[[:space:]]+)?($drop)=" "$G"
    echo '# set by kiln'
    printf 'GRUB_CMDLINE_LINUX="%s"\n' "$(dq "$new")"
    printf 'GRUB_CMDLINE_LINUX_DEFAULT="%s"\n' "$(dq "$newdef")"
    if [ -n "$KILN_GRUB_TIMEOUT" ]; then
      printf 'GRUB_TIMEOUT=%s\nGRUB_TIMEOUT_STYLE=menu\n' "$KILN_GRUB_TIMEOUT"
    fi
    if [ "$KILN_GRUB_SERIAL" = 1 ]; then
      printf 'GRUB_TERMINAL="console serial"\nGRUB_SERIAL_COMMAND="serial --speed=115200"\n'
    fi
  } | replace_file "$G"
  say grub-default "$new"
else
  say warning "no /etc/default/grub in the guest"
fi

# Boot Loader Specification entries (Fedora ≥ 30) carry their own options: grubby edits them.
if command -v grubby >/dev/null 2>&1 && ls /boot/loader/entries/*.conf >/dev/null 2>&1; then
  names=''
  for r in $KILN_REMOVE; do names="$names ${r%=}"; done
  if out=$(grubby --update-kernel=ALL --remove-args="${names# }" 2>&1) && out=$(grubby --update-kernel=ALL --args="$KILN_ADD" 2>&1); then
    say bls-tool grubby
  else
    say error "grubby failed: $(tailof "$out")"
  fi
fi

# Regenerate grub.cfg the way the guest does it.
CFGS=''
if command -v update-grub >/dev/null 2>&1; then
  TOOL=update-grub
  CFGS=/boot/grub/grub.cfg
elif command -v grub2-mkconfig >/dev/null 2>&1; then
  TOOL=grub2-mkconfig
  for l in /etc/grub2.cfg /etc/grub2-efi.cfg; do
    [ -e "$l" ] && t=$(readlink -f "$l") && case " $CFGS " in *" $t "*) ;; *) CFGS="$CFGS $t" ;; esac
  done
  [ -n "$CFGS" ] || CFGS=/boot/grub2/grub.cfg
elif command -v grub-mkconfig >/dev/null 2>&1; then
  TOOL=grub-mkconfig
  CFGS=/boot/grub/grub.cfg
else
  TOOL=''
  say error "the guest has none of update-grub, grub2-mkconfig, grub-mkconfig: cannot regenerate its boot menu"
fi
if [ -n "$TOOL" ]; then
  say grub-tool "$TOOL"
  for c in $CFGS; do
    if [ "$TOOL" = update-grub ]; then out=$(update-grub 2>&1); else out=$("$TOOL" -o "$c" 2>&1); fi
    if [ $? -ne 0 ]; then say error "$TOOL failed: $(tailof "$out")"; continue; fi
    CHANGED="$CHANGED $c"
    say grub-cfg "$c"
    grep -E '^[[:space:]]*linux(16|efi)?[[:space:]]' "$c" | sed 's/^[[:space:]]*//' | while IFS= read -r l; do say entry "$l"; done
  done
fi
for e in /boot/loader/entries/*.conf; do
  [ -f "$e" ] || continue
  CHANGED="$CHANGED $e"
  grep -E '^options[[:space:]]' "$e" | while IFS= read -r l; do say bls-entry "$l"; done
done

# --- firmware: how the image can boot --------------------------------------------------------
{ [ -d /boot/grub/i386-pc ] || [ -d /boot/grub2/i386-pc ]; } && say bios yes
ls -d /boot/efi/EFI/* >/dev/null 2>&1 && say efi yes

# --- drivers in the initramfs of the default (newest) kernel ---------------------------------
if [ -n "$KILN_MODULES" ]; then
  kver=$(ls -1 /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1)
  if [ -z "$kver" ]; then
    say error "no kernel (/boot/vmlinuz-*) in the guest"
  else
    say kernel "$kver"
    img=''
    for f in "/boot/initrd.img-$kver" "/boot/initramfs-$kver.img" "/boot/initrd-$kver" "/boot/initramfs-$kver"; do
      [ -f "$f" ] && img=$f && break
    done
    if [ -z "$img" ]; then
      say error "no initramfs for kernel $kver in /boot"
    else
      say initramfs "$img"
      if command -v lsinitramfs >/dev/null 2>&1; then lister=lsinitramfs
      elif command -v lsinitrd >/dev/null 2>&1; then lister=lsinitrd
      else lister=''; say error "neither lsinitramfs nor lsinitrd in the guest: cannot list $img"
      fi
      if [ -n "$lister" ]; then
        say initramfs-tool "$lister"
        if list=$("$lister" "$img" 2>&1); then
          printf '%s\n' "$list" | grep -E "(^|/)($KILN_MODULES_RE)\.ko(\.(xz|zst|gz|bz2))?\$" | sed 's|.*/||' | while IFS= read -r m; do say module "$m"; done
        else
          say error "$lister $img failed: $(tailof "$list")"
        fi
      fi
      if [ -f "/lib/modules/$kver/modules.builtin" ]; then
        grep -E "(^|/)($KILN_MODULES_RE)\.ko\$" "/lib/modules/$kver/modules.builtin" | sed 's|.*/||' | while IFS= read -r m; do say builtin "$m"; done
      fi
    fi
  fi
fi

# --- SELinux labels of the files written here (new files get none outside an SELinux kernel) -
if [ -f /etc/selinux/config ] && command -v setfiles >/dev/null 2>&1 && [ -n "$CHANGED" ]; then
  t=$( (. /etc/selinux/config >/dev/null 2>&1; printf '%s' "${SELINUXTYPE:-targeted}") )
  fc="/etc/selinux/$t/contexts/files/file_contexts"
  if [ -f "$fc" ] && setfiles -F "$fc" $CHANGED >/dev/null 2>&1; then say selinux relabelled; else say warning "could not relabel$CHANGED"; fi
fi

# --- machine-id: virt-sysprep's customize step writes a fresh one before running this script
# (some tools need it), after its machine-id operation emptied it. Empty it again: every instance
# makes its own at first boot.
if [ -f /etc/machine-id ] && [ -s /etc/machine-id ]; then : > /etc/machine-id; fi
if [ -f /var/lib/dbus/machine-id ] && [ ! -L /var/lib/dbus/machine-id ]; then rm -f /var/lib/dbus/machine-id; fi
say machine-id emptied

# --- hand the report to kiln: the disk whose first sector holds the marker --------------------
DEV=''
for d in /dev/sd? /dev/vd? /dev/xvd?; do
  [ -b "$d" ] || continue
  if [ "$(dd if="$d" bs=512 count=1 2>/dev/null | head -c ${#KILN_MARKER})" = "$KILN_MARKER" ]; then DEV=$d; break; fi
done
if [ -z "$DEV" ]; then
  echo "kiln-prep: report disk not found" >&2
  rm -f "$R"
  exit 1
fi
{ echo "$KILN_REPORT_BEGIN"; cat "$R"; echo "$KILN_REPORT_END"; } > "$DEV"
sync
rm -f "$R"
exit 0
