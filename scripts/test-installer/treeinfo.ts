/**
 * The test double tree's `.treeinfo`, written as productmd writes a Fedora tree's (treeinfo 1.2):
 * sections and keys in sorted order, `[header]`, `[release]`, `[tree]`, `[variant-…]`,
 * `[checksums]`, `[images-<arch>]`, `[stage2]`, and the `[general]` section productmd adds for
 * pre-productmd readers (with its two `; WARNING.N` keys). The release names the test double
 * plainly. One section is kiln's own: `[kiln]` says which Anaconda the installer behaves like,
 * so kiln picks that row of its quirks table instead of guessing.
 */

export interface TreeinfoInput {
  arch: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Relative path → sha256 hex, for [checksums]. */
  checksums: Record<string, string>;
  kernel: string;
  initrd: string;
  stage2: string;
}

export const TEST_DOUBLE_NAME = 'kiln Anaconda test double';
export const TEST_DOUBLE_SHORT = 'kiln-anaconda-test-double';
export const TEST_DOUBLE_VERSION = '1';
const VARIANT = 'TestDouble';

/**
 * The Anaconda the test double behaves like: dracut's anaconda module with the bare and `inst.`
 * boot options (Fedora 18 to 33), the virtio log port (18+), `liveimg` (19+).
 */
export const EMULATES = { family: 'Fedora', version: '19' } as const;

type Section = Record<string, string>;

function render(sections: Record<string, Section>): string {
  const out: string[] = [];
  for (const name of Object.keys(sections).sort()) {
    out.push(`[${name}]`);
    const section = sections[name]!;
    for (const key of Object.keys(section).sort()) out.push(`${key} = ${section[key]}`);
    out.push('');
  }
  return out.join('\n');
}

export function renderTreeinfo(t: TreeinfoInput): string {
  const checksums: Section = {};
  for (const [path, hex] of Object.entries(t.checksums)) checksums[path] = `sha256:${hex}`;
  return render({
    header: { type: 'productmd.treeinfo', version: '1.2' },
    release: { name: TEST_DOUBLE_NAME, short: TEST_DOUBLE_SHORT, version: TEST_DOUBLE_VERSION },
    tree: { arch: t.arch, build_timestamp: String(t.timestamp), platforms: t.arch, variants: VARIANT },
    [`variant-${VARIANT}`]: { id: VARIANT, name: VARIANT, type: 'variant', uid: VARIANT },
    checksums,
    [`images-${t.arch}`]: { kernel: t.kernel, initrd: t.initrd },
    stage2: { mainimage: t.stage2 },
    general: {
      '; WARNING.0': 'This section provides compatibility with pre-productmd treeinfos.',
      '; WARNING.1': 'Read productmd documentation for details about new format.',
      name: `${TEST_DOUBLE_NAME} ${TEST_DOUBLE_VERSION}`,
      family: TEST_DOUBLE_NAME,
      version: TEST_DOUBLE_VERSION,
      arch: t.arch,
      platforms: t.arch,
      timestamp: String(t.timestamp),
      variants: VARIANT,
      variant: VARIANT,
    },
    kiln: { anaconda_family: EMULATES.family, anaconda_version: EMULATES.version },
  });
}

/** The first stage's /.buildstamp, as lorax writes it (dracut prints "Loading <Product> <Version> <arch> installer..."). */
export function renderBuildstamp(arch: string, timestamp: number, version: string): string {
  const stamp = new Date(timestamp * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return ['[Main]', `Product=${TEST_DOUBLE_NAME}`, `Version=${TEST_DOUBLE_VERSION}`, 'IsFinal=False', `UUID=${stamp}.${arch}`, '', '[Compose]', `kiln-test-installer=${version}`, ''].join('\n');
}
