/**
 * Respins: the `.N` that makes compose ids of one day unique. Pungi tries respin 0, 1, 2… and
 * takes the first whose directory it can create (mkdir fails with EEXIST for a taken one), so two
 * composes started at once never share a directory. kiln does the same.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../core/errors.js';
import { createComposeId, parseComposeId, type ComposeIdParts } from './compose-id.js';

type DayParts = Omit<ComposeIdParts, 'respin'>;

function sameDay(a: ComposeIdParts, b: DayParts): boolean {
  return a.short === b.short && a.version === b.version && (a.releaseType ?? 'ga') === (b.releaseType ?? 'ga') && a.date === b.date && a.type === b.type;
}

/** The respins already in `outDir` for this short name, version, date and type, lowest first. */
export async function existingRespins(outDir: string, day: DayParts): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw outDirError(outDir, error);
  }
  const respins: number[] = [];
  for (const name of names) {
    const parts = parseComposeId(name);
    // Only names this day would produce: the id made back from the parts must be the name.
    if (parts && sameDay(parts, day) && createComposeId(parts) === name) respins.push(parts.respin);
  }
  return respins.sort((a, b) => a - b);
}

/** The first respin from 0 up with no directory in `outDir` (what Pungi would pick). */
export async function nextFreeRespin(outDir: string, day: DayParts): Promise<number> {
  const taken = new Set(await existingRespins(outDir, day));
  let respin = 0;
  while (taken.has(respin)) respin++;
  return respin;
}

export interface ReservedCompose {
  composeId: string;
  respin: number;
  /** The new, empty compose directory. */
  dir: string;
}

/**
 * Creates the compose directory for the first free respin (from `from`, default 0) atomically:
 * a directory another drop created first is skipped, never shared.
 */
export async function reserveComposeDir(outDir: string, day: DayParts, from = 0): Promise<ReservedCompose> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw outDirError(outDir, error);
  }
  for (let respin = from; ; respin++) {
    const composeId = createComposeId({ ...day, respin });
    const dir = join(outDir, composeId);
    try {
      await mkdir(dir);
      return { composeId, respin, dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw outDirError(outDir, error);
    }
  }
}

function outDirError(outDir: string, cause: unknown): KilnError {
  const code = (cause as NodeJS.ErrnoException).code;
  return new KilnError('COMPOSE_OUT_DIR', `cannot use ${outDir} for composes: ${code ?? (cause as Error).message}`, {
    fault: 'user',
    cause,
    hint: code === 'EACCES' || code === 'EROFS' ? 'Give --out a directory you can write to.' : undefined,
  });
}
