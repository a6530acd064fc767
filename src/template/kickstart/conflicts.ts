/**
 * Checks across commands, as a table of rules: what pykickstart rejects (autopart with manual
 * partitioning), what it warns about (repeated commands, duplicate mount points and repo names),
 * and what Anaconda's storage and payload checks would fail on later (undefined volume groups,
 * two installation sources, two root passwords). Each rule names its severity.
 */
import type { SectionNode } from './document.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import type { ParsedCommand } from './syntax/types.js';
import { SHARED_SETTINGS } from './syntax/installer.js';

export interface ConflictContext {
  commands: ParsedCommand[];
  sections: SectionNode[];
}

interface ConflictRule {
  id: string;
  severity: Severity;
  find: (ctx: ConflictContext) => Array<{ at: ParsedCommand | SectionNode; message: string }>;
}

const INSTALL_SOURCES = ['url', 'liveimg', 'cdrom', 'harddrive', 'nfs', 'ostreesetup', 'ostreecontainer', 'bootc'];
const MANUAL_STORAGE = ['part', 'partition', 'raid', 'logvol', 'volgroup', 'btrfs', 'reqpart'];

const named = (ctx: ConflictContext, names: string[]) => ctx.commands.filter((c) => names.includes(c.name));

type Located = { line: number; file: string };

/** "line 3", or "other.ks:3" when the reference is in another file than the finding. */
function ref(c: Located, from: Located): string {
  return c.file === from.file ? `line ${c.line}` : `${c.file}:${c.line}`;
}

function lines(list: Located[], from: Located): string {
  return list.map((c) => ref(c, from)).join(', ');
}

/** Pairs of (first, later) for values that repeat. */
function repeats<T extends { line: number; file: string }>(items: T[], key: (t: T) => string | undefined): Array<[T, T, string]> {
  const seen = new Map<string, T>();
  const out: Array<[T, T, string]> = [];
  for (const it of items) {
    const k = key(it);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first) out.push([first, it, k]);
    else seen.set(k, it);
  }
  return out;
}

const RULES: ConflictRule[] = [
  {
    id: 'rootpw-twice',
    severity: 'error',
    find: (ctx) => {
      const list = named(ctx, ['rootpw']);
      return list.slice(1).map((c) => ({ at: c, message: `rootpw: given again (first on ${ref(list[0]!, c)}); only one root password may be set` }));
    },
  },
  {
    id: 'single-command-repeated',
    severity: 'warning',
    find: (ctx) => {
      const groups = new Map<string, ParsedCommand[]>();
      for (const c of ctx.commands) {
        if (c.spec.multiple || c.name === 'rootpw' || INSTALL_SOURCES.includes(c.name)) continue;
        const shared = SHARED_SETTINGS.find((g) => g.includes(c.name));
        const key = shared ? shared.join('/') : c.spec.names[0]!;
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      return [...groups.values()].filter((g) => g.length > 1).map((g) => ({
        at: g[g.length - 1]!,
        message: `${g.map((c) => c.name).filter((n, i, a) => a.indexOf(n) === i).join('/')}: given ${g.length} times (${lines(g, g[g.length - 1]!)}); only the last one counts`,
      }));
    },
  },
  {
    id: 'two-install-sources',
    severity: 'error',
    find: (ctx) => {
      const list = named(ctx, INSTALL_SOURCES);
      const kinds = new Set(list.map((c) => c.name));
      if (list.length < 2) return [];
      const what = kinds.size > 1 ? 'only one installation source may be given' : `${list[0]!.name} given more than once`;
      const last = list[list.length - 1]!;
      return [{ at: last, message: `${what}: ${list.map((c) => `${c.name} (${ref(c, last)})`).join(', ')}` }];
    },
  },
  {
    id: 'autopart-with-manual-partitioning',
    severity: 'error',
    find: (ctx) => {
      const auto = named(ctx, ['autopart'])[0];
      const manual = named(ctx, MANUAL_STORAGE);
      if (!auto || !manual.length) return [];
      // Report on whichever came second, like pykickstart does when it meets the later command.
      const first = manual[0]!;
      const at = ctx.commands.indexOf(auto) > ctx.commands.indexOf(first) ? auto : first;
      const others = manual.map((m) => `${m.name} (${ref(m, at)})`).join(', ');
      return [{ at, message: `autopart (${ref(auto, at)}) cannot be used together with ${others}` }];
    },
  },
  {
    // pykickstart warns (Fedora's spin kickstarts re-declare `part /` after an %include to resize it).
    id: 'duplicate-mount-point',
    severity: 'warning',
    find: (ctx) => {
      const mounts = ctx.commands
        .filter((c) => ['part', 'partition', 'raid', 'logvol', 'btrfs', 'mount'].includes(c.name))
        .map((c) => ({ c, line: c.line, file: c.file, mp: c.name === 'mount' ? c.positionals[1] : c.positionals[0] }));
      return repeats(mounts, (m) => (m.mp?.startsWith('/') ? m.mp : undefined)).map(([first, later, mp]) => ({
        at: later.c,
        message: `${later.c.name}: mount point ${mp} was already defined by ${first.c.name} on ${ref(first, later)}`,
      }));
    },
  },
  {
    id: 'undefined-storage-reference',
    severity: 'error',
    find: (ctx) => {
      const out: Array<{ at: ParsedCommand; message: string }> = [];
      const partIds = new Set(named(ctx, ['part', 'partition', 'raid']).map((c) => c.positionals[0]));
      const vgs = new Set(named(ctx, ['volgroup']).map((c) => c.positionals[0]));
      for (const c of named(ctx, ['volgroup', 'raid', 'btrfs'])) {
        for (const member of c.positionals.slice(1)) {
          if (/^(pv|raid|btrfs)\./.test(member) && !partIds.has(member)) {
            out.push({ at: c, message: `${c.name}: ${member} is not defined by any part or raid command` });
          }
        }
      }
      for (const c of named(ctx, ['logvol'])) {
        const vg = c.options.get('--vgname');
        if (typeof vg === 'string' && !vgs.has(vg)) out.push({ at: c, message: `logvol: volume group '${vg}' is not defined by a volgroup command` });
      }
      return out;
    },
  },
  {
    id: 'liveimg-ignores-packages',
    severity: 'warning',
    find: (ctx) => {
      const live = named(ctx, ['liveimg'])[0];
      if (!live) return [];
      const out: Array<{ at: ParsedCommand | SectionNode; message: string }> = [];
      for (const s of ctx.sections.filter((s) => s.name === '%packages')) {
        out.push({ at: s, message: `%packages is ignored: liveimg (${ref(live, s.loc)}) installs a disk image, not packages` });
      }
      for (const r of named(ctx, ['repo'])) out.push({ at: r, message: `repo is ignored: liveimg (${ref(live, r)}) installs a disk image, not packages` });
      return out;
    },
  },
  {
    id: 'duplicate-names',
    severity: 'warning',
    find: (ctx) => {
      const out: Array<{ at: ParsedCommand; message: string }> = [];
      const keyed: Array<[string[], string, string]> = [
        [['repo'], '--name', 'a repo named'],
        [['user'], '--name', 'a user named'],
        [['group'], '--name', 'a group named'],
        [['network'], '--device', 'a network device'],
      ];
      for (const [names, option, what] of keyed) {
        for (const [first, later, k] of repeats(named(ctx, names), (c) => {
          const v = c.options.get(option);
          return typeof v === 'string' ? v : undefined;
        })) {
          out.push({ at: later, message: `${later.name}: ${what} '${k}' was already defined on ${ref(first, later)}` });
        }
      }
      return out;
    },
  },
];

export function checkConflicts(ctx: ConflictContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of RULES) {
    for (const f of rule.find(ctx)) {
      const loc = 'loc' in f.at ? f.at.loc : { file: f.at.file, line: f.at.line };
      out.push({ severity: rule.severity, file: loc.file, line: loc.line, message: f.message });
    }
  }
  return out;
}
