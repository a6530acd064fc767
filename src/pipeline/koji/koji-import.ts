/**
 * `kiln koji import`: a directory of `kiln target` outputs becomes one Koji build, a compose of
 * `kiln drop` one build per image, through content-generator import. Local problems (bad NVR, no
 * targets.json, a base image missing from the store) are found before the hub is contacted; the
 * session is logged out at the end.
 */
import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KilnError, usageError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import { importItem, KojiSession, nvrString, type ImportItem, type ImportResult, type Nvr } from '../../providers/koji/index.js';
import { openStore } from '../../store/store.js';
import { dropRecordFile, itemsFromCompose } from './compose-items.js';
import { hostFacts } from './host-facts.js';
import { itemFromTargetsDir } from './target-items.js';

export interface KojiConnection {
  hub: string;
  /** PEM with the client certificate and key (ssl login). */
  cert?: string;
  serverca?: string;
  /** Password login instead of a certificate, where the hub allows it. */
  user?: string;
  /** File whose first line is the password (never a flag: it would show in the process list). */
  passwordFile?: string;
}

export interface KojiImportOptions extends KojiConnection {
  cg: string;
  tag?: string;
}

export interface KojiImportRequest extends KojiImportOptions {
  dir: string;
  nvr: Nvr;
  storeDir: string;
  emit: Emit;
  signal?: AbortSignal;
}

export type KojiComposeImportRequest = Omit<KojiImportRequest, 'nvr'>;

/** A compose of `kiln drop` (it holds kiln's record), rather than `kiln target` outputs. */
export async function isComposeDir(dir: string): Promise<boolean> {
  return access(dropRecordFile(dir)).then(() => true, () => false);
}

/** Koji's NVR rules (koji.check_NVR): no whitespace or slashes; no '-' in version or release. */
export function checkNvr(nvr: Nvr): void {
  for (const [flag, value] of [['--name', nvr.name], ['--version', nvr.version], ['--release', nvr.release]] as const) {
    if (!value || !/^[^\s/]+$/.test(value)) throw usageError(`${flag} '${value ?? ''}': give a value without spaces or slashes`);
    if (flag !== '--name' && value.includes('-')) throw usageError(`${flag} '${value}' contains '-'`, "Koji splits name-version-release at '-': version and release cannot contain one.");
  }
}

/** The credentials are there (checked before hours of work that ends in an import). */
export function checkKojiConnection(c: KojiConnection): void {
  if (!c.hub) throw usageError('no Koji hub', 'Give --hub URL, e.g. --hub https://koji.example/kojihub.');
  if (!c.cert && !c.user) throw usageError('no Koji credentials', 'Give --cert PEM (client certificate and key), or --user NAME with --password-file FILE.');
  if (c.user && !c.passwordFile) throw usageError('--user needs --password-file', 'The password is read from a file so that it never shows in the process list.');
}

/** Opens a session and logs in: client certificate, else user and password. */
export async function openKojiSession(c: KojiConnection, signal?: AbortSignal): Promise<KojiSession> {
  checkKojiConnection(c);
  const session = await KojiSession.open({ hub: c.hub, cert: c.cert, serverca: c.serverca });
  try {
    if (c.cert) await session.sslLogin(signal);
    else {
      const password = (await readFile(c.passwordFile!, 'utf8').catch((error: unknown) => {
        throw new KilnError('KOJI_CREDENTIALS_UNREADABLE', `cannot read the password file ${c.passwordFile}`, { cause: error, fault: 'user' });
      })).split('\n')[0]!;
      await session.passwordLogin(c.user!, password, signal);
    }
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

/** Every image of a compose, one build each (named as the drop names them), in one session. */
export async function kojiImportCompose(r: KojiComposeImportRequest): Promise<ImportResult[]> {
  const host = await hostFacts(r.emit, r.signal);
  const items = await itemsFromCompose({ dir: resolve(r.dir), store: openStore(resolve(r.storeDir)), host });
  for (const item of items) checkNvr(item.nvr);
  return importAll(items, r);
}

export async function kojiImport(r: KojiImportRequest): Promise<ImportResult> {
  checkNvr(r.nvr);
  const host = await hostFacts(r.emit, r.signal);
  const item = await itemFromTargetsDir({ dir: resolve(r.dir), nvr: r.nvr, store: openStore(resolve(r.storeDir)), host });
  return (await importAll([item], r))[0]!;
}

/** One session for the items, imported in order; logged out whatever happens. */
async function importAll(items: ImportItem[], r: KojiComposeImportRequest): Promise<ImportResult[]> {
  const session = await openKojiSession(r, r.signal);
  try {
    const results: ImportResult[] = [];
    for (const item of items) {
      r.emit({ type: 'message', level: 'info', text: `importing ${nvrString(item.nvr)} (${item.files.length} files) into ${session.hub} as content generator ${r.cg}` });
      results.push(await importItem(item, { session, cg: r.cg, tag: r.tag, emit: r.emit, signal: r.signal }));
    }
    return results;
  } finally {
    await session.close();
  }
}
