/**
 * Fair timing for the benchmark: contenders run interleaved (A B C, A B C, …) after one warm-up
 * round that is not counted, so page cache and CPU frequency favour none of them, and each is
 * reported as the median of its rounds with the spread beside it.
 */
import type { BenchContext } from './types.js';

export interface Contender {
  label: string;
  work: () => Promise<unknown>;
  /** Runs after every round of this contender (removing its output), not timed. */
  after?: () => Promise<unknown>;
}

export interface Measured {
  seconds: number;
  /** min–max over the counted rounds. */
  spread: string;
  rounds: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(xs: readonly number[], unit = 's'): string {
  return `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} ${unit} over ${xs.length}`;
}

async function once(c: Contender): Promise<number> {
  const started = process.hrtime.bigint();
  await c.work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await c.after?.();
  return seconds;
}

/** `rounds` counted rounds (plus a warm-up unless `warmUp` is false), interleaved. */
export async function interleave(ctx: BenchContext, contenders: Contender[], rounds: number, warmUp = true): Promise<Map<string, Measured>> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.label, []]));
  if (warmUp) for (const c of contenders) ctx.log(`${c.label}: warm-up ${(await once(c)).toFixed(1)} s`);
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const s = await once(c);
      times.get(c.label)!.push(s);
      ctx.log(`${c.label}: round ${r + 1}/${rounds} ${s.toFixed(1)} s`);
    }
  }
  return new Map([...times].map(([label, xs]) => [label, { seconds: median(xs), spread: spread(xs), rounds: xs }]));
}
