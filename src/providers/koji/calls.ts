/** The hub calls kiln makes, typed (Koji's hub API: kojihub/kojihub.py). */
import type { CallOptions, KojiSession } from './session.js';
import { asNumber } from './xmlrpc.js';

/** koji.BUILD_STATES */
export const BUILD_STATE = { BUILDING: 0, COMPLETE: 1, DELETED: 2, FAILED: 3, CANCELED: 4 } as const;
export const BUILD_STATE_NAMES = Object.fromEntries(Object.entries(BUILD_STATE).map(([k, v]) => [v, k])) as Record<number, string>;
/** koji.TASK_STATES */
export const TASK_STATE = { FREE: 0, OPEN: 1, CLOSED: 2, CANCELED: 3, ASSIGNED: 4, FAILED: 5 } as const;

export interface KojiBuild {
  id: number;
  nvr: string;
  name: string;
  version: string;
  release: string;
  state: number;
  cg_name?: string | null;
  source?: string | null;
  owner_name?: string;
  volume_name?: string;
  extra?: Record<string, unknown> | null;
}

export interface KojiArchive {
  id: number;
  filename: string;
  /** Bytes (Koji sends sizes over 2 GiB as i8; normalised here). */
  size: number;
  checksum: string;
  /** 0 md5, 1 sha1, 2 sha256 */
  checksum_type: number;
  type_name: string;
  btype: string;
  buildroot_id: number | null;
  arch?: string;
  extra?: Record<string, unknown> | null;
}

export interface KojiBuildLog {
  name: string;
  dir: string;
  path: string;
}

export interface KojiTask {
  id: number;
  state: number;
  method: string;
}

export async function getBuild(s: KojiSession, nvr: string, o?: CallOptions): Promise<KojiBuild | null> {
  return s.call<KojiBuild | null>('getBuild', [nvr], undefined, { idempotent: true, ...o });
}

export async function listArchives(s: KojiSession, buildId: number, o?: CallOptions): Promise<KojiArchive[]> {
  const archives = await s.call<(KojiArchive & { size: unknown })[]>('listArchives', [], { buildID: buildId }, { idempotent: true, ...o });
  return archives.map((a) => ({ ...a, size: asNumber(a.size) ?? -1 }));
}

export async function getBuildLogs(s: KojiSession, buildId: number, o?: CallOptions): Promise<KojiBuildLog[]> {
  return s.call<KojiBuildLog[]>('getBuildLogs', [buildId], undefined, { idempotent: true, ...o });
}

export async function getTaskInfo(s: KojiSession, taskId: number, o?: CallOptions): Promise<KojiTask | null> {
  return s.call<KojiTask | null>('getTaskInfo', [taskId], undefined, { idempotent: true, ...o });
}

/** The archive type the hub gives a file name (by extension, from its archivetypes table), or null. */
export async function getArchiveType(s: KojiSession, filename: string, o?: CallOptions): Promise<{ name: string } | null> {
  return s.call<{ name: string } | null>('getArchiveType', [], { filename }, { idempotent: true, ...o });
}
