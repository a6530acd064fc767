/**
 * The installed-package manifest. kiln appends a `%post --nochroot` script to the kickstart it
 * boots; the script lists the packages of the installed system and writes them to kiln's own
 * virtio-serial port. It is a port of kiln's own (not Anaconda's log port) because a virtio port
 * can be opened by one process at a time and Anaconda's logger holds its port open during the
 * install. The script falls back to the serial console; kiln reads both.
 *
 * rpm-based systems report through `rpm -qa`; a Debian-family payload (a liveimg of a Debian
 * tree) through `dpkg-query`, whose versions kiln splits into epoch/version/release here.
 */
import type { PackageEntry } from '../../store/record.js';

/** Name of kiln's virtio-serial port in the guest (/dev/virtio-ports/<name>). */
export const REPORT_CHANNEL = 'org.kiln.report.0';
export const MANIFEST_BEGIN = 'KILN-MANIFEST-BEGIN';
export const MANIFEST_END = 'KILN-MANIFEST-END';

export function manifestPostScript(): { options: string[]; body: string } {
  const body = [
    '# kiln: report the installed packages to the build host, then mark the install complete.',
    'root="${ANA_INSTALL_PATH:-/mnt/sysimage}"',
    `out=/dev/virtio-ports/${REPORT_CHANNEL}`,
    '# A character device (the port udev names), never a file created by mistake.',
    '[ -c "$out" ] || out=/dev/ttyS0',
    '{',
    `  echo ${MANIFEST_BEGIN}`,
    '  if chroot "$root" rpm --version >/dev/null 2>&1; then',
    "    chroot \"$root\" rpm -qa --qf 'KILN-RPM %{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SIGMD5}\\n'",
    '  elif chroot "$root" dpkg-query --version >/dev/null 2>&1; then',
    "    chroot \"$root\" dpkg-query -W -f='KILN-DEB ${Status}|${Package}|${Version}|${Architecture}\\n'",
    '  fi',
    `  echo ${MANIFEST_END}`,
    '} > "$out"',
  ].join('\n');
  return { options: ['--nochroot', '--interpreter=/bin/sh'], body };
}

/** The manifest script as a kickstart section (`%post … %end`), appended last to the booted kickstart. */
export function manifestPostSection(): string {
  const post = manifestPostScript();
  return `%post ${post.options.join(' ')}\n${post.body}\n%end`;
}

/** Splits a Debian version `[epoch:]upstream[-revision]`. */
function splitDebianVersion(full: string): { epoch: string; version: string; release: string } {
  const colon = full.indexOf(':');
  const epoch = colon > 0 ? full.slice(0, colon) : '0';
  const rest = colon > 0 ? full.slice(colon + 1) : full;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest, release: '' };
}

/** Parses report lines; returns undefined when the manifest is missing or incomplete. */
export function parseManifest(lines: readonly string[]): PackageEntry[] | undefined {
  const begin = lines.lastIndexOf(MANIFEST_BEGIN);
  if (begin < 0) return undefined;
  const end = lines.indexOf(MANIFEST_END, begin);
  if (end < 0) return undefined;
  const packages: PackageEntry[] = [];
  for (const line of lines.slice(begin + 1, end)) {
    const rpm = /^KILN-RPM (.+)$/.exec(line);
    const deb = /^KILN-DEB (.+)$/.exec(line);
    if (rpm) {
      const [name, epoch, version, release, arch, sigmd5] = rpm[1]!.split('|');
      // gpg-pubkey "packages" are imported signing keys, not software.
      if (name && version !== undefined && name !== 'gpg-pubkey') {
        const entry: PackageEntry = { name, epoch: !epoch || epoch === '(none)' ? '0' : epoch, version, release: release ?? '', arch: arch ?? '', format: 'rpm' };
        // The header's SIGMD5 is what Koji knows an rpm by (its payloadhash).
        if (sigmd5 && /^[0-9a-f]{32}$/.test(sigmd5)) entry.sigmd5 = sigmd5;
        packages.push(entry);
      }
    } else if (deb) {
      // Packages dpkg only remembers (removed, config files left) are not installed.
      const [status, name, full, arch] = deb[1]!.split('|');
      if (name && full && status?.endsWith(' installed')) packages.push({ name, ...splitDebianVersion(full), arch: arch ?? '', format: 'deb' });
    }
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch));
}

/** NEVRA as rpm prints it: name-[epoch:]version-release.arch. */
export function nevra(p: PackageEntry): string {
  const epoch = p.epoch && p.epoch !== '0' ? `${p.epoch}:` : '';
  return `${p.name}-${epoch}${p.version}${p.release ? `-${p.release}` : ''}${p.arch ? `.${p.arch}` : ''}`;
}
