/**
 * Checks across commands, as a table of rules: what pykickstart rejects (commands that conflict
 * in the release, a second `realm join`, two snapshots of one name, a multipath device used
 * twice), what it warns about (repeated definitions), and what Anaconda's storage setup would
 * certainly stop on (a volume group, RAID or btrfs volume made of members no command defines).
 * Each rule names its severity.
 */
import type { SectionNode } from './document.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import type { CommandSpec, ParsedCommand } from './syntax/types.js';
import { lookupCommand } from './syntax/index.js';
import { SHARED_SETTINGS } from './syntax/installer.js';
import type { SyntaxVersion } from './versions.js';

/** A command pykickstart has read (it counts as seen even when its arguments were wrong). */
export interface SeenCommand {
  spec: CommandSpec;
  name: string;
  file: string;
  line: number;
}

export interface ConflictContext {
  commands: ParsedCommand[];
  sections: SectionNode[];
  seen: SeenCommand[];
  version: SyntaxVersion;
  /** Some %include could not be read here: what it holds is unknown. */
  unresolved: boolean;
}

type Located = { line: number; file: string };
type Finding = { at: Located; message: string };

interface ConflictRule {
  id: string;
  severity: Severity;
  find: (ctx: ConflictContext) => Finding[];
}

/** Installation sources in the order Anaconda picks one when several are given. */
const SOURCE_PRECEDENCE = ['ostreecontainer', 'ostreesetup', 'bootc', 'liveimg', 'cdrom', 'harddrive', 'nfs', 'url', 'hmc'];

const named = (ctx: ConflictContext, names: string[]) => ctx.commands.filter((c) => names.includes(c.name) || c.spec.names.some((n) => names.includes(n)));

/** "line 3", or "other.ks:3" when the reference is in another file than the finding. */
function ref(c: Located, from: Located): string {
  return c.file === from.file ? `line ${c.line}` : `${c.file}:${c.line}`;
}

function lines(list: Located[], from: Located): string {
  return list.map((c) => ref(c, from)).join(', ');
}

/** Pairs of (first, later) for values that repeat. */
function repeats<T extends Located>(items: T[], key: (t: T) => string | undefined): Array<[T, T, string]> {
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

const opt = (c: ParsedCommand, name: string) => {
  const v = c.options.get(name);
  return typeof v === 'string' ? v : undefined;
};

/** Mount point as pykickstart normalises it (os.path.normpath of a path). */
function mountPoint(mp: string | undefined): string | undefined {
  if (mp === undefined || !mp.startsWith('/')) return mp;
  const parts: string[] = [];
  for (const p of mp.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

const RULES: ConflictRule[] = [
  {
    // pykickstart's conflictingCommands: checked when the later command is read.
    id: 'conflicting-commands',
    severity: 'error',
    find: (ctx) => {
      const out: Finding[] = [];
      for (let i = 0; i < ctx.seen.length; i++) {
        const c = ctx.seen[i]!;
        for (const other of c.spec.conflicts?.(ctx.version) ?? []) {
          const otherSpec = lookupCommand(other, ctx.version);
          const earlier = ctx.seen.slice(0, i).find((s) => s.spec.names[0] === otherSpec?.names[0]);
          if (earlier) {
            out.push({ at: c, message: `${c.name} cannot be used together with ${earlier.name} (${ref(earlier, c)})` });
            break;
          }
        }
      }
      return out;
    },
  },
  {
    id: 'single-command-repeated',
    severity: 'warning',
    find: (ctx) => {
      const groups = new Map<string, ParsedCommand[]>();
      for (const c of ctx.commands) {
        if (c.spec.multiple) continue;
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
    id: 'several-install-sources',
    severity: 'warning',
    find: (ctx) => {
      const list = named(ctx, SOURCE_PRECEDENCE);
      if (new Set(list.map((c) => c.spec.names[0])).size < 2) return [];
      const used = SOURCE_PRECEDENCE.find((s) => list.some((c) => c.spec.names[0] === s))!;
      const last = list[list.length - 1]!;
      const ignored = list.filter((c) => c.spec.names[0] !== used);
      return [{ at: last, message: `several installation sources: Anaconda uses ${used} and ignores ${ignored.map((c) => `${c.name} (${ref(c, last)})`).join(', ')}` }];
    },
  },
  {
    // pykickstart warns when a later definition replaces an earlier one of the same name.
    id: 'duplicate-definitions',
    severity: 'warning',
    find: (ctx) => {
      const out: Finding[] = [];
      const keyed: Array<[string[], (c: ParsedCommand) => string | undefined, string]> = [
        [['repo'], (c) => opt(c, '--name'), 'a repo named'],
        [['user'], (c) => opt(c, '--name'), 'a user named'],
        [['group'], (c) => opt(c, '--name'), 'a group named'],
        [['sshpw'], (c) => opt(c, '--username'), 'an ssh password for'],
        [['sshkey'], (c) => opt(c, '--username'), 'an ssh key for'],
        [['network'], (c) => opt(c, '--device') ?? '', 'a network device'],
        [['raid'], (c) => opt(c, '--device'), 'a RAID device'],
        [['volgroup'], (c) => c.positionals[0], 'a volume group'],
        [['logvol'], (c) => `${opt(c, '--vgname')}/${opt(c, '--name')}`, 'a logical volume'],
        [['fcoe'], (c) => opt(c, '--nic'), 'an FCoE device'],
        [['device'], (c) => c.positionals.at(-1), 'a module'],
      ];
      for (const [names, key, what] of keyed) {
        for (const [first, later, k] of repeats(named(ctx, names), key)) {
          const shownKey = k === '' ? 'without --device' : `'${k}'`;
          out.push({ at: later, message: `${later.name}: ${what} ${shownKey} was already defined on ${ref(first, later)}; the later one replaces it` });
        }
      }
      const mounts = ctx.commands
        .filter((c) => ['part', 'partition', 'raid', 'logvol', 'btrfs', 'mount'].includes(c.name))
        .map((c) => ({ c, line: c.line, file: c.file, mp: mountPoint(c.name === 'mount' ? c.positionals[1] : c.positionals[0]) }));
      for (const [first, later, mp] of repeats(mounts, (m) => (m.mp?.startsWith('/') ? m.mp : undefined))) {
        out.push({ at: later.c, message: `${later.c.name}: mount point ${mp} was already defined by ${first.c.name} on ${ref(first, later)}` });
      }
      return out;
    },
  },
  {
    id: 'repeated-unique-definitions',
    severity: 'error',
    find: (ctx) => {
      const out: Finding[] = [];
      const joins = named(ctx, ['realm']).filter((c) => c.positionals[0] === 'join');
      for (const c of joins.slice(1)) out.push({ at: c, message: `realm: join may be given once (first on ${ref(joins[0]!, c)})` });
      for (const [first, later, k] of repeats(named(ctx, ['snapshot']), (c) => opt(c, '--name'))) {
        out.push({ at: later, message: `snapshot: a snapshot named '${k}' was already defined on ${ref(first, later)}` });
      }
      for (const [first, later, k] of repeats(named(ctx, ['multipath']), (c) => opt(c, '--device'))) {
        out.push({ at: later, message: `multipath: device ${k} is already used by the multipath on ${ref(first, later)}` });
      }
      return out;
    },
  },
  {
    // Stricter than pykickstart: Anaconda's storage setup stops on a member no command defines.
    id: 'undefined-storage-reference',
    severity: 'error',
    find: (ctx) => {
      if (ctx.unresolved) return [];
      const out: Finding[] = [];
      const ids = new Set(named(ctx, ['part', 'raid']).map((c) => c.positionals[0]));
      for (const c of named(ctx, ['volgroup', 'raid', 'btrfs'])) {
        for (const member of c.positionals.slice(1)) {
          if (/^(pv|raid|btrfs)\./.test(member) && !ids.has(member)) {
            out.push({ at: c, message: `${c.name}: ${member} is not defined by any part or raid command; Anaconda would stop here` });
          }
        }
      }
      return out;
    },
  },
  {
    id: 'undefined-volume-group',
    severity: 'warning',
    find: (ctx) => {
      if (ctx.unresolved) return [];
      const vgs = new Set(named(ctx, ['volgroup']).map((c) => c.positionals[0]));
      return named(ctx, ['logvol'])
        .filter((c) => opt(c, '--vgname') !== undefined && !vgs.has(opt(c, '--vgname')!))
        .map((c) => ({ at: c, message: `logvol: volume group '${opt(c, '--vgname')}' is not defined by a volgroup command (fine only if it already exists on the disk)` }));
    },
  },
  {
    id: 'liveimg-ignores-packages',
    severity: 'warning',
    find: (ctx) => {
      const live = named(ctx, ['liveimg'])[0];
      if (!live) return [];
      const out: Finding[] = [];
      for (const s of ctx.sections.filter((s) => s.name === '%packages')) {
        out.push({ at: s.loc, message: `%packages is ignored: liveimg (${ref(live, s.loc)}) installs a disk image, not packages` });
      }
      for (const r of named(ctx, ['repo'])) out.push({ at: r, message: `repo is ignored: liveimg (${ref(live, r)}) installs a disk image, not packages` });
      return out;
    },
  },
];

export function checkConflicts(ctx: ConflictContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of RULES) {
    for (const f of rule.find(ctx)) out.push({ severity: rule.severity, file: f.at.file, line: f.at.line, message: f.message });
  }
  return out;
}
