#!/usr/bin/env bash
# Installs the host packages kiln needs on a fresh Debian 12 machine (run as root).
# Idempotent: a second run only checks. Prints what it installs.
set -euo pipefail

packages=(
  # the hypervisor: QEMU (TCG works without KVM) and libvirt with its QEMU driver
  qemu-system-x86 qemu-utils
  # UEFI guests: OVMF (its Secure Boot build and Microsoft's keys are in the same package) with the
  # firmware descriptors libvirt's <os firmware='efi'> auto-selection reads
  ovmf
  libvirt0 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-daemon-system
  # image tools: compression, filesystems, partition tables, sparse-aware tar; reading EFI system
  # partitions and their boot loaders' Secure Boot signatures (which firmwares boot a disk)
  xz-utils e2fsprogs fdisk tar mtools sbsigntool
  # VM-isolated guest edits (cloud prep); libguestfs needs a kernel for its appliance
  libguestfs-tools linux-image-amd64
  # the test installer tree and payload are built from Debian packages
  debootstrap
  # ... with depmod (modules.dep of the test installer's kernel), zstd (its payload tarball) and
  # mksquashfs/unsquashfs (its second stage, images/install.img)
  kmod zstd squashfs-tools
  # boot tests: NoCloud seeds, a key pair per test, SSH into the guest
  genisoimage openssh-client
  # independent checkers used by the tests (virt-install reads the test tree's .treeinfo with libosinfo)
  libxml2-utils cpio virtinst
  # drops: clear-signing CHECKSUM files (kiln drop --sign-key) and checking the signatures
  gnupg gpgv
  # a real Koji hub for the tests (Apache + mod_wsgi, PostgreSQL, Koji's Python dependencies;
  # Koji itself comes from its pinned source, scripts/koji/source.ts) ...
  postgresql apache2 libapache2-mod-wsgi-py3 python3-rpm python3-psycopg2 python3-defusedxml
  python3-dateutil python3-requests python3-six openssl curl git
  # ... and kojid, which runs kiln's builder plugin
  python3-dnf python3-librepo python3-cheetah
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-host: must run as root (it installs Debian packages)" >&2
  exit 1
fi

# i386 packages (the i686 test installer) need the architecture enabled.
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  dpkg --add-architecture i386
  need_update=1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ] || [ "${need_update:-0}" = 1 ]; then
  echo "setup-host: installing ${missing[*]:-(none; refreshing package lists)}"
  # Unreachable third-party sources must not stop the install of Debian's own packages.
  apt-get update -q || echo "setup-host: apt-get update reported errors; continuing" >&2
  if [ "${#missing[@]}" -gt 0 ]; then
    # Installing apache2 and postgresql must not start their system services: the tests run
    # private instances. A policy-rc.d that says no is put in place only for this install.
    policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
      trap 'rm -f "$policy"' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# kojid lists /etc/mock/koji on every poll (mock's per-buildroot configs; kiln tasks use none).
mkdir -p /etc/mock/koji

# As root kiln talks to qemu:///system (libvirt has no per-user session daemon for root). QEMU
# runs as root there: the default libvirt-qemu user cannot read images under root's cache dir,
# and without access to /dev/kvm libvirt re-probes QEMU's capabilities on every domain start
# (~48 s instead of ~0.4 s).
conf=/etc/libvirt/qemu.conf
if ! grep -qx 'user = "root"' "$conf"; then
  printf '\n# set by kiln scripts/setup-host.sh\nuser = "root"\ngroup = "root"\n' >> "$conf"
  restart=1
fi

# No systemd here: start the daemons by hand when they are not running.
if [ "${restart:-0}" = 1 ] && pgrep -x libvirtd >/dev/null; then
  pkill -x libvirtd || true
  for _ in $(seq 50); do pgrep -x libvirtd >/dev/null || break; sleep 0.1; done
fi
pgrep -x virtlogd >/dev/null || virtlogd -d
pgrep -x libvirtd >/dev/null || libvirtd -d
for _ in $(seq 100); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.1; done
virsh -c qemu:///system uri >/dev/null
echo "setup-host: host packages ready; libvirtd answers on qemu:///system"
