/** Free space and memory, checked before anything is written. */
import { statfs } from 'node:fs/promises';
import { freemem } from 'node:os';
import { KilnError } from '../core/errors.js';
import { formatBytes } from '../core/units.js';

export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
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
