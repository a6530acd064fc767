/**
 * One build per store key at a time: identical builds started together wait for one another, and
 * the second finds the first's entry (a store hit) instead of installing again. The lock is a
 * file created exclusively (O_EXCL) under <store>/locks/, holding its owner (core/owner.ts); a
 * lock whose owner died (SIGKILL, power loss) is taken over.
 */
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { interruptedError } from '../core/errors.js';
import { currentOwner, isAlive, parseOwner, type Owner } from '../core/owner.js';

export interface KeyLockOptions {
  signal?: AbortSignal;
  /** Told once when the lock is held by a live build (who holds it). */
  onWait?: (holder: Owner) => void;
  /** Told when a dead owner's lock is taken over. */
  onStale?: (holder: Owner) => void;
  pollMs?: number;
  what?: string;
}

async function tryCreate(path: string, what?: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600);
    await fh.writeFile(JSON.stringify(currentOwner(what)) + '\n');
    await fh.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(interruptedError(signal!.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Waits until this process holds the lock of `key`; returns the release function. */
export async function lockKey(locksDir: string, key: string, o: KeyLockOptions = {}): Promise<() => Promise<void>> {
  await mkdir(locksDir, { recursive: true, mode: 0o700 });
  const path = join(locksDir, `${key}.lock`);
  let told = false;
  for (;;) {
    if (o.signal?.aborted) throw interruptedError(o.signal.reason);
    if (await tryCreate(path, o.what)) return () => unlink(path).catch(() => {});
    const before = await stat(path).catch(() => undefined);
    const holder = parseOwner((await readFile(path, 'utf8').catch(() => '')) || '{}');
    if (before && holder && !isAlive(holder)) {
      // Taken over only if it is still the same file (another waiter may have done it already).
      const now = await stat(path).catch(() => undefined);
      if (now && now.ino === before.ino) {
        await unlink(path).catch(() => {});
        o.onStale?.(holder);
      }
      continue;
    }
    if (holder && !told) {
      told = true;
      o.onWait?.(holder);
    }
    await sleep(o.pollMs ?? 500, o.signal);
  }
}
