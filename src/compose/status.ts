/**
 * The compose's STATUS and COMPOSE_ID files, as Pungi keeps them: STATUS holds one word and a
 * newline — STARTED while the drop runs, then FINISHED, FINISHED_INCOMPLETE (only failable
 * deliverables failed), DOOMED (something required failed) or TERMINATED (interrupted); COMPOSE_ID
 * holds the id with no newline. Both are written atomically, so a reader never sees half a word.
 * As in Pungi, a FINISHED compose is never changed again.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic.js';
import { KilnError } from '../core/errors.js';
import type { ComposeLayout } from './layout.js';

export const COMPOSE_STATUSES = ['STARTED', 'FINISHED', 'FINISHED_INCOMPLETE', 'DOOMED', 'TERMINATED'] as const;
export type ComposeStatus = (typeof COMPOSE_STATUSES)[number];

type Files = Pick<ComposeLayout, 'statusFile' | 'composeIdFile' | 'root'>;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The compose's status; undefined when there is no STATUS file. */
export async function readComposeStatus(layout: Files): Promise<ComposeStatus | undefined> {
  const text = await readOptional(layout.statusFile);
  if (text === undefined) return undefined;
  const status = text.trim();
  if (!(COMPOSE_STATUSES as readonly string[]).includes(status)) {
    throw new KilnError('COMPOSE_STATUS_INVALID', `${layout.statusFile} holds '${status}', not a compose status`, {
      fault: 'external',
      hint: `A compose status is one of ${COMPOSE_STATUSES.join(', ')}.`,
    });
  }
  return status as ComposeStatus;
}

/** Writes STATUS; refuses to change a FINISHED compose (COMPOSE_FINISHED). */
export async function writeComposeStatus(layout: Files, status: ComposeStatus): Promise<void> {
  const old = await readComposeStatus(layout);
  if (old === status) return;
  if (old === 'FINISHED') {
    throw new KilnError('COMPOSE_FINISHED', `${layout.root} is a FINISHED compose; it is not changed again`, {
      fault: 'user',
      hint: 'Start a new compose (a new respin) instead of re-running into a finished one.',
    });
  }
  await writeFileAtomic(layout.statusFile, `${status}\n`);
}

/** How a drop that ran to its end finishes: any required failure dooms it; failable ones leave it incomplete. */
export function finishedStatus(failures: { required: number; failable: number }): ComposeStatus {
  if (failures.required > 0) return 'DOOMED';
  return failures.failable > 0 ? 'FINISHED_INCOMPLETE' : 'FINISHED';
}

export async function writeComposeId(layout: Files, composeId: string): Promise<void> {
  await writeFileAtomic(layout.composeIdFile, composeId);
}

export async function readComposeId(layout: Files): Promise<string | undefined> {
  return (await readOptional(layout.composeIdFile))?.trim();
}
