/**
 * Runs a graph of steps in parallel: a step starts once every step it depends on has succeeded,
 * as long as fewer than `jobs` steps run and the memory of the running steps' guests stays within
 * the budget. A failed step fails only its dependents (they are skipped, naming the step that
 * failed); every independent step still runs, so a re-run has less to do. On interrupt nothing
 * new starts and the running steps see the signal.
 */
import { interruptedError, isKilnError, toKilnError, type KilnError } from '../core/errors.js';

export interface Step {
  id: string;
  deps: string[];
  /** Guest memory the step needs while it runs (MiB); 0 for host-only work. */
  memoryMiB?: number;
  run(signal: AbortSignal): Promise<void>;
}

export type { StepState } from '../core/events.js';
import type { StepState } from '../core/events.js';

export interface StepOutcome {
  id: string;
  state: Exclude<StepState, 'pending' | 'running'>;
  error?: KilnError;
  /** For a skipped step: the failed step it depended on. */
  because?: string;
  ms: number;
}

export interface SchedulerOptions {
  jobs: number;
  memoryBudgetMiB: number;
  signal: AbortSignal;
  onChange?: (id: string, state: StepState, detail?: string) => void;
}

export async function runGraph(steps: Step[], o: SchedulerOptions): Promise<Map<string, StepOutcome>> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const s of steps) for (const d of s.deps) if (!byId.has(d)) throw new Error(`kiln bug: step ${s.id} depends on unknown step ${d}`);
  const state = new Map<string, StepState>(steps.map((s) => [s.id, 'pending']));
  const outcomes = new Map<string, StepOutcome>();
  let running = 0;
  let memory = 0;
  const set = (id: string, s: StepState, detail?: string) => {
    state.set(id, s);
    o.onChange?.(id, s, detail);
  };

  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (running === 0 && [...state.values()].every((s) => s !== 'pending' && s !== 'running')) resolve(outcomes);
    };
    const skipDependents = (failed: string, root: string) => {
      for (const s of steps) {
        if (state.get(s.id) === 'pending' && s.deps.includes(failed)) {
          outcomes.set(s.id, { id: s.id, state: 'skipped', because: root, ms: 0 });
          set(s.id, 'skipped', `${root} failed`);
          skipDependents(s.id, root);
        }
      }
    };
    const pump = () => {
      if (o.signal.aborted) {
        for (const s of steps) {
          if (state.get(s.id) === 'pending') {
            outcomes.set(s.id, { id: s.id, state: 'skipped', error: interruptedError(o.signal.reason), ms: 0 });
            set(s.id, 'skipped', 'interrupted');
          }
        }
        finishIfDone();
        return;
      }
      for (const s of steps) {
        if (state.get(s.id) !== 'pending') continue;
        if (!s.deps.every((d) => state.get(d) === 'done')) continue;
        const need = s.memoryMiB ?? 0;
        // Always let one step run, even one bigger than the budget.
        if (running > 0 && (running >= o.jobs || memory + need > o.memoryBudgetMiB)) continue;
        running++;
        memory += need;
        set(s.id, 'running');
        const started = performance.now();
        s.run(o.signal).then(
          () => {
            outcomes.set(s.id, { id: s.id, state: 'done', ms: performance.now() - started });
            set(s.id, 'done');
          },
          (error: unknown) => {
            const err = isKilnError(error) ? error : toKilnError(error);
            outcomes.set(s.id, { id: s.id, state: 'failed', error: err, ms: performance.now() - started });
            set(s.id, 'failed', err.message);
            skipDependents(s.id, s.id);
          },
        ).finally(() => {
          running--;
          memory -= need;
          pump();
          finishIfDone();
        });
      }
      finishIfDone();
    };
    o.signal.addEventListener('abort', pump, { once: true });
    pump();
  });
}
