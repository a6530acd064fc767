/**
 * The test double tree's `.treeinfo`, shaped like a Fedora tree's (productmd 1.2 with the
 * pre-productmd [general] section), so kiln's Anaconda driver reads it unchanged. The family names
 * the test double plainly; [stage2] points at the initrd because the test double has no separate
 * runtime image; [payload] (not in Fedora trees) names the liveimg tarball for kickstarts.
 */

export interface TreeinfoInput {
  arch: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Relative path → sha256 hex, for [checksums]. */
  checksums: Record<string, string>;
  kernel: string;
  initrd: string;
  payload: string;
  debianRelease: string;
}

export const TEST_DOUBLE_FAMILY = 'kiln-anaconda-test-double';
export const TEST_DOUBLE_VERSION = '1';

export function renderTreeinfo(t: TreeinfoInput): string {
  const name = `kiln Anaconda test double ${TEST_DOUBLE_VERSION} (Debian ${t.debianRelease} payload)`;
  const sums = Object.keys(t.checksums)
    .sort()
    .map((path) => `${path} = sha256:${t.checksums[path]}`);
  return [
    '; An install tree for kiln\'s Anaconda TEST DOUBLE (not Anaconda, not Fedora): a Debian kernel,',
    '; an initrd whose /init implements a kickstart subset, and a Debian rootfs as liveimg payload.',
    '; Built by scripts/test-installer (see its README.md).',
    '[header]',
    'type = productmd.treeinfo',
    'version = 1.2',
    '',
    '[release]',
    `name = ${name}`,
    `short = ${TEST_DOUBLE_FAMILY}`,
    `version = ${TEST_DOUBLE_VERSION}`,
    '',
    '[tree]',
    `arch = ${t.arch}`,
    `build_timestamp = ${t.timestamp}`,
    `platforms = ${t.arch}`,
    'variants = TestDouble',
    '',
    `[images-${t.arch}]`,
    `kernel = ${t.kernel}`,
    `initrd = ${t.initrd}`,
    '',
    '[stage2]',
    `mainimage = ${t.initrd}`,
    '',
    '[payload]',
    `liveimg = ${t.payload}`,
    `checksum = sha256:${t.checksums[t.payload]}`,
    '',
    '[checksums]',
    ...sums,
    '',
    '[general]',
    `arch = ${t.arch}`,
    `family = ${TEST_DOUBLE_FAMILY}`,
    `name = ${name}`,
    `platforms = ${t.arch}`,
    `timestamp = ${t.timestamp}`,
    'variant = TestDouble',
    `version = ${TEST_DOUBLE_VERSION}`,
    '',
    '[variant-TestDouble]',
    'id = TestDouble',
    'name = TestDouble',
    'type = variant',
    'uid = TestDouble',
    '',
  ].join('\n');
}
