/**
 * Anaconda's boot options changed over releases; the differences are data, not code. Rows are
 * matched by family and major version; a version newer than every row of its family uses the
 * newest row (with a warning), as Oz does with its per-version tables.
 *
 * - Fedora 17+ and RHEL/CentOS 7+ take `inst.`-prefixed options (dracut-based Anaconda); RHEL 6's
 *   Anaconda 13 takes the bare names (ks=, repo=, text) and has no virtio log port.
 * - The virtio log port org.fedoraproject.anaconda.log.0 exists since Fedora 18 / RHEL 7.
 */

import type { TreeInfo } from './treeinfo.js';

export type AnacondaFamily = 'fedora' | 'rhel';

export interface AnacondaQuirks {
  family: AnacondaFamily;
  /** First major version the row applies to (inclusive). */
  from: number;
  ks: string;
  repo: string;
  text: string;
  cmdline: string;
  /** Whether Anaconda writes its log to the virtio port. */
  virtioLog: boolean;
  /** Options always added (e.g. to stop an interactive prompt). */
  extra: string[];
}

export const ANACONDA_QUIRKS: readonly AnacondaQuirks[] = [
  { family: 'rhel', from: 6, ks: 'ks', repo: 'repo', text: 'text', cmdline: 'cmdline', virtioLog: false, extra: [] },
  { family: 'rhel', from: 7, ks: 'inst.ks', repo: 'inst.repo', text: 'inst.text', cmdline: 'inst.cmdline', virtioLog: true, extra: [] },
  { family: 'fedora', from: 17, ks: 'inst.ks', repo: 'inst.repo', text: 'inst.text', cmdline: 'inst.cmdline', virtioLog: false, extra: [] },
  { family: 'fedora', from: 18, ks: 'inst.ks', repo: 'inst.repo', text: 'inst.text', cmdline: 'inst.cmdline', virtioLog: true, extra: [] },
];

/** Maps a .treeinfo family name to a quirks family ('Red Hat Enterprise Linux', 'CentOS Stream', …). */
export function quirksFamily(name: string | undefined): AnacondaFamily | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase();
  if (n.includes('fedora')) return 'fedora';
  if (/red hat|rhel|centos|alma|rocky|oracle|scientific/.test(n)) return 'rhel';
  return undefined;
}

export interface QuirksChoice {
  quirks: AnacondaQuirks;
  warning?: string;
}

/** Picks the row for a tree. Unknown family or version → the newest Fedora row, with a warning. */
export function pickQuirks(familyName: string | undefined, version: string | undefined): QuirksChoice {
  const family = quirksFamily(familyName);
  const major = Number.parseInt(version ?? '', 10);
  const rows = ANACONDA_QUIRKS.filter((r) => r.family === (family ?? 'fedora')).sort((a, b) => a.from - b.from);
  const newest = rows[rows.length - 1]!;
  if (!family || Number.isNaN(major)) {
    return {
      quirks: newest,
      warning: `install tree family/version '${familyName ?? '?'} ${version ?? '?'}' is not in kiln's Anaconda table; using the options of ${newest.family} ${newest.from}+`,
    };
  }
  const row = [...rows].reverse().find((r) => r.from <= major);
  if (!row) {
    return { quirks: rows[0]!, warning: `${familyName} ${version} is older than kiln's Anaconda table; using the options of ${rows[0]!.family} ${rows[0]!.from}` };
  }
  return { quirks: row };
}

/** The row for a tree: the Anaconda its [kiln] section names, else its own release's. */
export function pickTreeQuirks(info: TreeInfo | undefined): QuirksChoice {
  return info?.anaconda ? pickQuirks(info.anaconda.family, info.anaconda.version) : pickQuirks(info?.family, info?.version);
}
