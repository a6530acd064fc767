/**
 * .treeinfo of an install tree: the INI file that names the kernel and initrd per arch and their
 * checksums. Both layouts are read: the old one (Fedora ≤ 22: [general] family/version/arch) and
 * productmd's ([header] version=1.x, [release], [tree], [images-<platform>], [checksums]). A tree
 * whose installer behaves like another distribution's Anaconda (a respin, a derivative) may say
 * which in kiln's own section: `[kiln]` with `anaconda_family` and `anaconda_version`.
 * The parser is a few lines: no maintained npm INI reader keeps duplicate-free, case-preserving
 * keys with ':' and '=' separators the way Python's configparser (which writes these files) does.
 */
import { KilnError } from '../../core/errors.js';
import type { Arch } from '../../core/arch.js';

export type IniSections = Map<string, Map<string, string>>;

export interface TreeInfo {
  family?: string;
  version?: string;
  arch?: string;
  /** Relative paths of the boot images for the requested arch. */
  kernel: string;
  initrd: string;
  /** Relative path → "algo:hex". */
  checksums: Map<string, { algorithm: string; hex: string }>;
  /** Relative path of the stage2 image, when the tree names one. */
  stage2?: string;
  /** The Anaconda the tree's installer behaves like, when its [kiln] section says. */
  anaconda?: { family: string; version: string };
}

export function parseIni(text: string, file: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections.get(header[1]!) ?? new Map();
      sections.set(header[1]!, current);
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv || !current) {
      throw new KilnError('TREEINFO_INVALID', `cannot parse line: ${raw}`, {
        fault: 'external',
        source: { file, line: i + 1 },
        hint: 'The install tree must have a valid .treeinfo (INI format).',
      });
    }
    current.set(kv[1]!, kv[2]!);
  });
  return sections;
}

/** Names an arch has in trees: kiln's i686 is i386 in Fedora's trees. */
export const TREE_ARCH_NAMES: Record<Arch, string[]> = {
  x86_64: ['x86_64'],
  i686: ['i386', 'i686', 'i586'],
};

export function parseTreeInfo(text: string, arch: Arch, file = '.treeinfo'): TreeInfo {
  const ini = parseIni(text, file);
  const general = ini.get('general');
  const release = ini.get('release');
  const tree = ini.get('tree');
  const family = release?.get('name') ?? general?.get('family');
  const version = release?.get('version') ?? general?.get('version');
  const treeArch = tree?.get('arch') ?? general?.get('arch');

  const imagesSection = TREE_ARCH_NAMES[arch].map((a) => ini.get(`images-${a}`)).find((s) => s?.has('kernel'));
  const available = [...ini.keys()].filter((k) => k.startsWith('images-')).map((k) => k.slice(7));
  if (!imagesSection) {
    throw new KilnError('TREE_ARCH_MISSING', `the install tree has no boot images for ${arch}${available.length ? ` (it has: ${available.join(', ')})` : ''}`, {
      fault: 'user',
      source: { file },
      hint: `Use a tree for ${arch}, or pick --arch ${available.includes('i386') ? 'i686' : available[0] ?? '<arch>'}.`,
    });
  }
  const checksums = new Map<string, { algorithm: string; hex: string }>();
  for (const [path, value] of ini.get('checksums') ?? []) {
    const m = /^(\w+):([0-9a-fA-F]+)$/.exec(value.trim());
    if (m) checksums.set(path, { algorithm: m[1]!.toLowerCase(), hex: m[2]!.toLowerCase() });
  }
  const kiln = ini.get('kiln');
  const anacondaFamily = kiln?.get('anaconda_family');
  const anacondaVersion = kiln?.get('anaconda_version');
  return {
    family,
    version,
    anaconda: anacondaFamily && anacondaVersion ? { family: anacondaFamily, version: anacondaVersion } : undefined,
    arch: treeArch,
    kernel: imagesSection.get('kernel')!,
    initrd: imagesSection.get('initrd') ?? 'images/pxeboot/initrd.img',
    checksums,
    stage2: ini.get('stage2')?.get('mainimage') ?? ini.get('stage2')?.get('instimage'),
  };
}

/** Without a .treeinfo, Fedora-style trees still have the PXE images here. */
export const FALLBACK_BOOT_IMAGES = { kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img' };
