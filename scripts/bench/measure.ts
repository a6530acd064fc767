/**
 * Fair timing for the benchmark: contenders run interleaved (A B C, A B C, …) after one warm-up
 * round that is not counted, so page cache and CPU frequency favour none of them, and each is
 * reported as the median of its rounds with the spread beside it.
 *
 * Two economies, both visible in what is reported: a contender whose input another one's warm-up
 * already brings into the page cache may skip the warm-up (`warmUp: false`), and a baseline far
 * from its goal may be counted in fewer rounds (`rounds`; it runs in the first ones, so it is
 * still interleaved with the others, and its spread says over how many). Without them the targets
 * section's slowest baseline (single-threaded xz, ~8 minutes a run) would take half its hour.
 */
import type { BenchContext } from './types.js';

export interface Contender {
  label: string;
  work: () => Promise<unknown>;
  /** Runs after every round of this contender (removing its output), not timed. */
  after?: () => Promise<unknown>;
  /** false: no warm-up run (another contender's warm-up reads the same input). Default true. */
  warmUp?: boolean;
  /** Counted rounds for this contender, at most the call's; default the call's. */
  rounds?: number;
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
  if (warmUp) for (const c of contenders.filter((c) => c.warmUp !== false)) ctx.log(`${c.label}: warm-up ${(await once(c)).toFixed(1)} s`);
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders.filter((c) => r < (c.rounds ?? rounds))) {
      const s = await once(c);
      times.get(c.label)!.push(s);
      ctx.log(`${c.label}: round ${r + 1}/${Math.min(c.rounds ?? rounds, rounds)} ${s.toFixed(1)} s`);
    }
  }
  return new Map([...times].map(([label, xs]) => [label, { seconds: median(xs), spread: spread(xs), rounds: xs }]));
}
