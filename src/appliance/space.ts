/** Free space and memory, checked before anything is written. */
import { statfs } from 'node:fs/promises';
import { freemem } from 'node:os';
import { dirname } from 'node:path';
import { KilnError } from '../core/errors.js';
import { formatBytes } from '../core/units.js';

/** Free bytes on the filesystem that holds (or will hold) `dir`: its nearest existing ancestor's. */
export async function freeBytes(dir: string): Promise<number> {
  for (let d = dir; ; d = dirname(d)) {
    const s = await statfs(d).catch(() => undefined);
    if (s) return s.bavail * s.bsize;
    if (dirname(d) === d) throw new Error(`no filesystem holds ${dir}`);
  }
}

export async function requireSpace(dir: string, needBytes: number, what: string): Promise<void> {
  const free = await freeBytes(dir);
  if (needBytes > free) {
    throw new KilnError('APPLIANCE_NO_SPACE', `${what} needs ${formatBytes(needBytes)} in ${dir}, which has ${formatBytes(free)} free`, {
      fault: 'user',
      hint: 'Free space there, or keep instances elsewhere with --instances DIR. Nothing was written.',
    });
  }
}

/** Memory the kernel could give a new guest now (MemAvailable). */
export function availableMemoryMiB(): number {
  return Math.floor(freemem() / 1024 / 1024);
}

export function requireMemory(needMiB: number, availableMiB: number, what: string): void {
  if (needMiB > availableMiB) {
    throw new KilnError('APPLIANCE_NO_MEMORY', `${what} needs ${needMiB} MiB of memory; the host has ${availableMiB} MiB available`, {
      fault: 'user',
      hint: 'Stop other guests, or give less with --memory (the appliance recommends its own amount). Nothing was written.',
    });
  }
}
