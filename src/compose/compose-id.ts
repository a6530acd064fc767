/**
 * Compose ids, as productmd makes them (ComposeInfo.create_compose_id):
 * `<short>-<version>[-<release type>]-<YYYYMMDD><type suffix>.<respin>`, where the release type
 * appears only when it is not `ga` and the suffix is '' (production), '.n' (nightly), '.t' (test),
 * '.ci' or '.d' (development).
 *
 * kiln's compose "short" is `<release.short>-<variant>`: one drop builds one variant, and two drops
 * of the same release (Cloud, Container) must not share a compose id or a directory. So the
 * example spec (Fedora, variant Cloud, version 19) gives `Fedora-Cloud-19-20261125.0` for a
 * production compose on 2026-11-25 and `Fedora-Cloud-19-20261125.n.0` for a nightly. The release
 * short name itself (Fedora) stays in composeinfo.json's release section.
 */
import { usageError } from '../core/errors.js';
import { RELEASE_TYPES } from './productmd-rules.js';

/** productmd COMPOSE_TYPES. */
export const COMPOSE_TYPES = ['test', 'ci', 'nightly', 'production', 'development'] as const;
export type ComposeType = (typeof COMPOSE_TYPES)[number];

export const COMPOSE_TYPE_SUFFIX: Readonly<Record<ComposeType, string>> = {
  production: '',
  nightly: '.n',
  test: '.t',
  ci: '.ci',
  development: '.d',
};

/** Suffixes productmd reads back (it also accepts the long spellings). */
const SUFFIX_TYPES: Readonly<Record<string, ComposeType>> = { n: 'nightly', nightly: 'nightly', t: 'test', test: 'test', ci: 'ci', d: 'development' };

export interface ComposeIdParts {
  /** The compose short name: kiln uses `<release.short>-<variant>` (composeShort). */
  short: string;
  version: string;
  /** productmd release type; 'ga' (the default) is left out of the id. */
  releaseType?: string;
  /** YYYYMMDD. */
  date: string;
  type: ComposeType;
  respin: number;
}

/** kiln's compose short name: `Fedora-Cloud`. */
export function composeShort(release: { short: string }, variant: string): string {
  return `${release.short}-${variant}`;
}

/** The part of the id before the date: `Fedora-Cloud-19` (or `…-19-updates`). */
export function composeIdPrefix(parts: Pick<ComposeIdParts, 'short' | 'version' | 'releaseType'>): string {
  const type = parts.releaseType && parts.releaseType.toLowerCase() !== 'ga' ? `-${parts.releaseType.toLowerCase()}` : '';
  return `${parts.short}-${parts.version}${type}`;
}

export function createComposeId(parts: ComposeIdParts): string {
  if (!/^\d{8}$/.test(parts.date)) throw usageError(`compose date '${parts.date}' is not YYYYMMDD`);
  if (!Number.isInteger(parts.respin) || parts.respin < 0) throw usageError(`compose respin '${parts.respin}' is not a whole number`);
  return `${composeIdPrefix(parts)}-${parts.date}${COMPOSE_TYPE_SUFFIX[parts.type]}.${parts.respin}`;
}

const ID = /^(.+)-(\d{8})(?:\.([a-z]+))?\.(\d+)$/;

/**
 * The parts of a compose id. The short name may hold dashes (Fedora-Cloud), so the version is the
 * last dash-separated field before the date, after a known non-ga release type if one ends it.
 * Returns undefined for a string that is not a compose id.
 */
export function parseComposeId(id: string): ComposeIdParts | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const [, prefix, date, suffix, respin] = m as unknown as [string, string, string, string | undefined, string];
  const type = suffix === undefined ? 'production' : SUFFIX_TYPES[suffix];
  if (!type) return undefined;
  let head = prefix;
  let releaseType: string | undefined;
  for (const t of [...RELEASE_TYPES].sort((a, b) => b.length - a.length)) {
    if (t !== 'ga' && head.endsWith(`-${t}`) && head.length > t.length + 1) {
      releaseType = t;
      head = head.slice(0, -(t.length + 1));
      break;
    }
  }
  const dash = head.lastIndexOf('-');
  if (dash <= 0 || dash === head.length - 1) return undefined;
  return { short: head.slice(0, dash), version: head.slice(dash + 1), ...(releaseType ? { releaseType } : {}), date, type, respin: Number(respin) };
}

/** YYYYMMDD of `when` in local time (Pungi dates composes with the host's local time). */
export function composeDate(when: Date = new Date()): string {
  const y = String(when.getFullYear()).padStart(4, '0');
  const m = String(when.getMonth() + 1).padStart(2, '0');
  const d = String(when.getDate()).padStart(2, '0');
  return `${y}${m}${d}`;
}
