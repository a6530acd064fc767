/**
 * Kickstart syntax versions kiln knows — every handler pykickstart has: Fedora Core 3 → Fedora 45
 * (FC3…FC6, then F7…F45) and RHEL/CentOS 3 → 11 — and the thresholds the command tables use to say
 * when a command or option appeared, was deprecated or was removed.
 *
 * pykickstart orders all its versions on one line: each RHEL release sits after the Fedora
 * release its handler is built from (RHEL 5 after FC6, RHEL 6 after F13, RHEL 7 after F21, RHEL 8
 * after F29, RHEL 9 after F34, RHEL 10 after F40). A threshold written as a Fedora release
 * therefore implies the first RHEL release after it; where RHEL backported something earlier (or
 * never got it) the table says so explicitly.
 */
import { usageError } from '../../core/errors.js';

export type Family = 'F' | 'RHEL';

export interface SyntaxVersion {
  family: Family;
  number: number;
  /** 'F19', 'RHEL7': the name pykickstart and `ksvalidator -v` use. */
  name: string;
}

export const FEDORA_MIN = 3;
export const FEDORA_MAX = 45;
export const RHEL_MIN = 3;
export const RHEL_MAX = 11;

/** Where each RHEL release sits on the line of versions (after the Fedora release it is built from). */
const RHEL_ORDINAL: Record<number, number> = { 3: 2.5, 4: 3.5, 5: 6.5, 6: 13.5, 7: 21.5, 8: 29.5, 9: 34.5, 10: 40.5, 11: 45.5 };

/** pykickstart's name of a Fedora syntax: FC3…FC6 (Fedora Core), then F7 on. */
function fedoraName(n: number): string {
  return n < 7 ? `FC${n}` : `F${n}`;
}

export function fedora(n: number): SyntaxVersion {
  return { family: 'F', number: n, name: fedoraName(n) };
}

export function rhel(n: number): SyntaxVersion {
  return { family: 'RHEL', number: n, name: `RHEL${n}` };
}

/** Every version in the table, oldest first per family. */
export function allVersions(): SyntaxVersion[] {
  const out: SyntaxVersion[] = [];
  for (let n = FEDORA_MIN; n <= FEDORA_MAX; n++) out.push(fedora(n));
  for (let n = RHEL_MIN; n <= RHEL_MAX; n++) out.push(rhel(n));
  return out;
}

export const NEWEST_FEDORA = fedora(FEDORA_MAX);

/** The versions kiln validates, for messages. */
export const SYNTAX_RANGE = `${fedora(FEDORA_MIN).name}…${NEWEST_FEDORA.name} and RHEL${RHEL_MIN}…RHEL${RHEL_MAX}`;
const RANGE = SYNTAX_RANGE;

export interface ResolvedVersion {
  version: SyntaxVersion;
  /** Set when the requested version is newer than the table and the newest was used instead. */
  warning?: string;
}

/**
 * Parses what a user writes for a syntax version: F19, f19, fedora19, fedora-19, 19, DEVEL, RHEL7,
 * rhel-7, el7, centos7, CentOS-7. A version newer than the table resolves to the newest of its
 * family with a warning (as Oz does for unknown newer releases); an older one is a usage error.
 */
export function resolveSyntaxVersion(text: string): ResolvedVersion {
  const t = text.trim().toLowerCase();
  if (t === 'devel' || t === 'rawhide') return { version: NEWEST_FEDORA };
  const m = /^(f|fc|fedora|rhel|el|centos|rocky|alma|almalinux)?[-_ ]?(\d+)(?:\.\d+)?$/.exec(t);
  if (!m) {
    throw usageError(`unknown kickstart syntax version '${text}'`, `Use ${RANGE}.`);
  }
  const isRhel = m[1] !== undefined && !['f', 'fc', 'fedora'].includes(m[1]);
  const n = Number(m[2]);
  const [min, max, make] = isRhel ? [RHEL_MIN, RHEL_MAX, rhel] : [FEDORA_MIN, FEDORA_MAX, fedora];
  if (n < min) {
    throw usageError(
      `kickstart syntax ${isRhel ? 'RHEL' : 'F'}${n} is older than any pykickstart knows`,
      `kiln validates ${RANGE}, as pykickstart does.`,
    );
  }
  if (n > max) {
    const newest = make(max);
    return {
      version: newest,
      warning: `kickstart syntax ${isRhel ? 'RHEL' : 'F'}${n} is newer than kiln's tables; validating as ${newest.name}`,
    };
  }
  return { version: make(n) };
}

/** A point on the version line: the Fedora release and the RHEL release it happens in (null: never). */
export interface Threshold {
  f: number | null;
  rhel: number | null;
}

/** The first RHEL release at or after Fedora release f on pykickstart's line, or null (none ≤ RHEL9). */
function rhelAfter(f: number): number | null {
  for (let r = RHEL_MIN; r <= RHEL_MAX; r++) if (RHEL_ORDINAL[r]! >= f) return r;
  return null;
}

/**
 * Threshold from the compact notation the tables use: 'F21' (RHEL derived), 'F22/RHEL7' (explicit
 * RHEL), 'F34/-' (never on RHEL), '-/RHEL8' (RHEL only). Releases older than the table count as 0.
 */
export function at(spec: string): Threshold {
  const [fPart, rPart] = spec.split('/');
  const fm = /^FC?(\d+)$/.exec(fPart ?? '');
  const f = fPart === '-' ? null : fm ? Number(fm[1]) : NaN;
  if (Number.isNaN(f)) throw new Error(`bad threshold '${spec}'`);
  let r: number | null;
  if (rPart === undefined) r = f === null ? null : rhelAfter(f);
  else if (rPart === '-') r = null;
  else {
    const rm = /^RHEL(\d+)$/.exec(rPart);
    if (!rm) throw new Error(`bad threshold '${spec}'`);
    r = Number(rm[1]);
  }
  return { f, rhel: r };
}

/** Whether version v has reached threshold t (an absent threshold is never reached). */
export function reached(t: Threshold | undefined, v: SyntaxVersion): boolean {
  if (!t) return false;
  const n = v.family === 'F' ? t.f : t.rhel;
  return n !== null && v.number >= n;
}

/** Human name of the release where the threshold is reached for v's family, e.g. 'F23' or 'RHEL8'. */
export function thresholdName(t: Threshold, v: SyntaxVersion): string {
  const n = v.family === 'F' ? t.f : t.rhel;
  if (n === null) return '(never)';
  return v.family === 'F' ? fedoraName(n) : `RHEL${n}`;
}

/** Maps a distribution family and release ('fedora', '19') to its syntax version. */
export function syntaxForRelease(family: 'fedora' | 'rhel' | 'centos' | 'debian', release: string): ResolvedVersion | undefined {
  if (family === 'debian') return undefined;
  const major = /^(\d+)/.exec(release)?.[1];
  if (!major) return undefined;
  return resolveSyntaxVersion(`${family === 'fedora' ? 'F' : 'RHEL'}${major}`);
}
