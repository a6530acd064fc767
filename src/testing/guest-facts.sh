# kiln boot test: what the guest reports about itself, one "key=value" line each. Runs over SSH
# as the image's cloud user; root-only facts through passwordless sudo when the image grants it.
# Never prints a secret: of root's password field only whether it is locked.
set +e
export LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin
echo "uname=$(uname -rm)"
echo "hostname=$(hostname)"
echo "btime=$(awk '/^btime/ {print $2}' /proc/stat)"
if command -v cloud-init >/dev/null 2>&1; then
  cloud-init status --wait >/dev/null 2>&1
  # `status --wait` returns at the first error, before the last stage has ended: its result file
  # marks the end. A disabled cloud-init has no last stage to wait for.
  case "$(cloud-init status 2>/dev/null | sed -n 's/^status: //p')" in
    error|running)
      i=0
      while [ ! -e /run/cloud-init/result.json ] && [ "$i" -lt 600 ]; do sleep 1; i=$((i + 1)); done ;;
  esac
  cloud-init status >/dev/null 2>&1
  echo "ci-status-rc=$?"
  echo "ci-status=$(cloud-init status 2>/dev/null | sed -n 's/^status: //p')"
  r=$(sudo -n cat /run/cloud-init/result.json 2>/dev/null || cat /run/cloud-init/result.json 2>/dev/null)
  [ -n "$r" ] && echo "ci-result=$(printf '%s' "$r" | base64 -w0)"
else
  echo "ci-status=absent"
fi
# When sshd was ready, in seconds since the kernel started (the journal's monotonic clock).
j=$( (sudo -n journalctl -b -o short-monotonic -u ssh.service -u sshd.service 2>/dev/null || journalctl -b -o short-monotonic -u ssh.service -u sshd.service 2>/dev/null) | grep -m 1 ' Started ')
[ -n "$j" ] && echo "sshd-ready=$(printf '%s' "$j" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')"
echo "machine-id=$(stat -c %Y /etc/machine-id 2>/dev/null) $(cat /etc/machine-id 2>/dev/null)"
for f in /etc/ssh/ssh_host_*_key.pub; do [ -e "$f" ] && echo "host-key=$(stat -c %Y "$f") $f"; done
# The firmware it booted under: UEFI leaves its runtime services in sysfs. The SecureBoot
# variable's value is the byte after its 4 attribute bytes (1: enforcing).
if [ -d /sys/firmware/efi ]; then
  v=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
  sb=$( (od -An -tu1 -j4 -N1 "$v" 2>/dev/null || sudo -n od -An -tu1 -j4 -N1 "$v" 2>/dev/null) | tr -d ' \n')
  echo "firmware=uefi ${sb:-unknown}"
else
  echo "firmware=bios"
fi
root=$(findmnt -n -o SOURCE / 2>/dev/null)
echo "root-fs-bytes=$(df -B1 --output=size / | tail -n 1 | tr -d ' ')"
part=$(basename "$(readlink -f "$root" 2>/dev/null)")
if [ -n "$part" ] && [ -r "/sys/class/block/$part/partition" ]; then
  disk=$(basename "$(readlink -f "/sys/class/block/$part/..")")
  echo "root-part=$part $(cat "/sys/class/block/$part/start") $(cat "/sys/class/block/$part/size") $(cat "/sys/class/block/$disk/size")"
fi
if sudo -n true 2>/dev/null; then
  echo "sudo=yes"
  case "$(sudo -n awk -F: '$1 == "root" { print substr($2, 1, 1) }' /etc/shadow)" in
    '!'|'*') echo "root-password=locked" ;;
    '') echo "root-password=empty" ;;
    *) echo "root-password=set" ;;
  esac
  for f in /root/.bash_history /root/.ash_history /root/.python_history /root/anaconda-ks.cfg; do
    sudo -n test -s "$f" && echo "leftover=$f"
  done
  sudo -n find /var/log/anaconda -type f 2>/dev/null | sed 's/^/leftover=/'
  sudo -n find /var/lib/dhcp /var/lib/dhclient /var/lib/NetworkManager /var/lib/systemd/network \
    -type f -name '*lease*' -printf 'lease=%T@ %p\n' 2>/dev/null
else
  echo "sudo=no"
fi
echo "facts-end=1"
