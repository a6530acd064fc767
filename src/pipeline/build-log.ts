/** Keeps every event of a build in its log directory (build.jsonl) while passing them on. */
import { createWriteStream } from 'node:fs';
import type { Emit } from '../core/events.js';

export async function buildLog(path: string, next: Emit): Promise<{ emit: Emit; close: () => Promise<void> }> {
  const out = createWriteStream(path, { flags: 'a' });
  await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
  return {
    emit: (event) => {
      // Installer and console lines are in their own files already.
      if (event.type !== 'installer-line') out.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
      next(event);
    },
    close: () => new Promise<void>((resolve) => out.end(() => resolve())),
  };
}
