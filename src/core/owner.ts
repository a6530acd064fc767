/**
 * Which kiln process owns a lock or a work directory, and whether it is still alive: its pid and
 * the process's start time (so a recycled pid is not mistaken for the owner), and the host (an
 * owner on another host of a shared store is never judged dead). Hand-written: lock libraries
 * judge staleness by an mtime heartbeat, which cannot tell a dead build from a busy one, and a
 * dead build's work directory is exactly what kiln must find.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface Owner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/PID/stat field 22). */
  start: string;
  host: string;
  /** What it is doing (a build id), for messages. */
  what?: string;
}

/** The start time of `pid`, or undefined when no such process exists. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(what?: string): Owner {
  return { pid: process.pid, start: processStart(process.pid) ?? '', host: hostname(), what };
}

/** False only when the owner certainly died: same host, and its pid is gone or now another process. */
export function isAlive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true;
  const start = processStart(owner.pid);
  return start !== undefined && (owner.start === '' || start === owner.start);
}

export function parseOwner(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, start: String(o.start ?? ''), host: o.host, what: o.what } : undefined;
  } catch {
    return undefined;
  }
}

export const OWNER_FILE = '.kiln-owner';

export async function writeOwnerFile(path: string, what?: string): Promise<void> {
  await writeFile(path, JSON.stringify(currentOwner(what)) + '\n', { mode: 0o600 });
}

export async function readOwnerFile(path: string): Promise<Owner | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseOwner(text);
}
