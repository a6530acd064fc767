/**
 * `<outDir>/targets.json`: every output in the directory with its checksum, size, options and
 * base image. Runs for other arches or bases into the same directory (an image drop) are merged;
 * an entry is replaced when its file is made again.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { sha256File, stableStringify } from '../core/hash.js';
import { KILN_VERSION } from '../core/version.js';
import type { TargetName, TargetOutput } from './types.js';

export const RECORD_FILE = 'targets.json';

export interface RecordFile {
  schemaVersion: 1;
  kilnVersion: string;
  updatedAt: string;
  outputs: TargetOutput[];
}

export async function readRecordFile(outDir: string): Promise<RecordFile | undefined> {
  try {
    const json = JSON.parse(await readFile(join(outDir, RECORD_FILE), 'utf8')) as RecordFile;
    return json.schemaVersion === 1 && Array.isArray(json.outputs) ? json : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `body` holding `<outDir>/targets.json.lock` (two arches built into one directory at once
 * must not lose each other's entries). A lock older than a minute is a crashed run's: taken over.
 */
async function withRecordLock<T>(outDir: string, body: () => Promise<T>): Promise<T> {
  const lock = join(outDir, `${RECORD_FILE}.lock`);
  for (let attempt = 0; ; attempt++) {
    try {
      await (await open(lock, 'wx')).close();
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 60_000 || attempt > 300) await rm(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await body();
  } finally {
    await rm(lock, { force: true });
  }
}

export async function mergeRecordFile(outDir: string, outputs: TargetOutput[], now = new Date()): Promise<string> {
  return withRecordLock(outDir, () => mergeUnlocked(outDir, outputs, now));
}

async function mergeUnlocked(outDir: string, outputs: TargetOutput[], now: Date): Promise<string> {
  const existing = await readRecordFile(outDir);
  const files = new Set(outputs.map((o) => o.file));
  const kept = (existing?.outputs ?? []).filter((o) => !files.has(o.file));
  const record: RecordFile = { schemaVersion: 1, kilnVersion: KILN_VERSION, updatedAt: now.toISOString(), outputs: [...kept, ...outputs] };
  const path = join(outDir, RECORD_FILE);
  await writeJsonAtomic(path, record);
  return path;
}

/**
 * An earlier output that can be reused as is: same file, target, base and options, and the file
 * and its .sha256 are still there with the recorded size.
 */
export async function findReusable(
  existing: RecordFile | undefined,
  outDir: string,
  want: { target: TargetName; file: string; baseId: string; options: Record<string, unknown>; disk?: string; verify?: boolean },
): Promise<TargetOutput | undefined> {
  const found = existing?.outputs.find(
    (o) =>
      o.file === want.file &&
      o.target === want.target &&
      o.base.id === want.baseId &&
      stableStringify(o.options) === stableStringify(want.options) &&
      (want.disk === undefined || o.disk === want.disk),
  );
  if (!found) return undefined;
  try {
    const [file] = await Promise.all([stat(join(outDir, found.file)), stat(join(outDir, `${found.file}.sha256`))]);
    if (file.size !== found.size) return undefined;
    // A crash can leave a file of the right size with other bytes in it; a verified reuse hashes it.
    if (want.verify && (await sha256File(join(outDir, found.file))) !== found.sha256) return undefined;
    return found;
  } catch {
    return undefined;
  }
}
