/** Oz's <os><name>/<version> → a kiln family and release, and Oz's disk size units. */

export type OsFamily = 'fedora' | 'rhel' | 'centos' | 'debian';

/**
 * Oz names RHEL-like releases 'RHEL-7' with the minor release in <version> ('4' or 'U4' for
 * RHEL 5's update numbering); Fedora and Debian put the release in <version>.
 */
export function parseOsName(name: string, version: string): { family: OsFamily; release: string } | { error: string } {
  const v = version.trim();
  if (/^fedora$/i.test(name)) {
    return /^\d+$/.test(v) ? { family: 'fedora', release: v } : { error: `Fedora <version> must be a release number, not '${v}'` };
  }
  if (/^debian$/i.test(name)) {
    return /^\d+(\.\d+)?$/.test(v) ? { family: 'debian', release: v.split('.')[0]! } : { error: `Debian <version> must be a release number, not '${v}'` };
  }
  const m = /^(rhel|centos)-?(\d+)$/i.exec(name);
  if (m) {
    const family = m[1]!.toLowerCase() as 'rhel' | 'centos';
    const minor = /^u?(\d+)$/i.exec(v)?.[1];
    if (minor === undefined) return { error: `${name} <version> must be the minor release (0, 4, U4), not '${v}'` };
    return { family, release: `${m[2]}.${minor}` };
  }
  if (/^windows/i.test(name)) {
    return { error: `Windows TDLs are refused by design: kiln drives Linux installers (kickstart, preseed), not Windows setup with answer files and product keys` };
  }
  return { error: `kiln installs Fedora, RHEL-N, CentOS-N and Debian guests; '${name}' is not one of them` };
}

/**
 * Oz's <disk><size>: an integer with an optional SI (KB, MB, GB, TB …) or IEC (KiB, MiB, GiB …)
 * suffix, spaces ignored, case-insensitive; no suffix means GiB, and a bare 'G' or 'T' means GiB
 * or TiB, as Oz's TDL.py reads it.
 */
export function parseDiskSize(text: string): number | undefined {
  const s = text.replace(/ /g, '').toLowerCase();
  const m = /^(\d+)([a-z]*)$/.exec(s);
  if (!m) return undefined;
  const units: Record<string, number> = { '': 2 ** 30, b: 1, g: 2 ** 30, t: 2 ** 40 };
  ['k', 'm', 'g', 't', 'p', 'e', 'z', 'y'].forEach((p, i) => {
    units[`${p}b`] = 10 ** (3 * (i + 1));
    units[`${p}ib`] = 2 ** (10 * (i + 1));
  });
  const factor = units[m[2]!];
  const n = Number(m[1]);
  if (factor === undefined || n <= 0) return undefined;
  return n * factor;
}
