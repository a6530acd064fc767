/**
 * Typed events: the library never prints, it emits these; reporters (src/reporters/) render them
 * as a TTY status line, plain lines or JSON lines.
 */

export type Level = 'debug' | 'info' | 'warn';

/**
 * States of a guest (see src/pipeline/guest-machine.ts): an install goes booting → installing →
 * powered-off → captured; a boot test goes booting → kernel → running → ready (logged in) →
 * passed. Either may end in failed.
 */
export type GuestState = 'preparing' | 'booting' | 'installing' | 'powered-off' | 'captured' | 'kernel' | 'running' | 'ready' | 'passed' | 'failed';

/** The state of one step of a drop (see src/pipeline/scheduler.ts). */
export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/**
 * Every event may name the part of a larger job it belongs to (`scope`, e.g. a drop's
 * "Fedora-Cloud-Base x86_64"): parallel steps interleave their events, reporters prefix them.
 */
export type KilnEvent = (
  | { type: 'message'; level: Level; text: string; code?: string }
  | { type: 'phase'; phase: string; state: 'start' | 'end' | 'fail' | 'skip'; elapsedMs?: number; detail?: string }
  | {
      type: 'progress';
      task: string;
      done: number;
      total?: number;
      unit: 'bytes' | 'blocks' | 'files' | 'steps';
      /** Rate in units per second, when the emitter knows it. */
      rate?: number;
      detail?: string;
    }
  | { type: 'guest'; state: GuestState; domain?: string; detail?: string }
  | { type: 'installer-line'; stream: 'log' | 'console'; line: string }
  /** A drop's step changed state: `row` is image and arch ("Fedora-Cloud-Base x86_64"), `step` the phase. */
  | { type: 'step'; row: string; step: string; state: StepState; detail?: string }
  | { type: 'result'; kind: string; data: unknown }
) & { scope?: string };

export type Emit = (event: KilnEvent) => void;

/** An emitter that drops everything (library defaults, tests that do not care). */
export const silent: Emit = () => {};

export function warn(emit: Emit, text: string, code?: string): void {
  emit({ type: 'message', level: 'warn', text, code });
}

export function info(emit: Emit, text: string, code?: string): void {
  emit({ type: 'message', level: 'info', text, code });
}

/** Collects events in memory: used by tests and by commands that summarise what happened. */
export function collect(): { emit: Emit; events: KilnEvent[] } {
  const events: KilnEvent[] = [];
  return { emit: (e) => events.push(e), events };
}

/** An emitter that tags every event with `scope` (nested scopes join with ' / '). */
export function scoped(emit: Emit, scope: string): Emit {
  return (e) => emit({ ...e, scope: e.scope ? `${scope} / ${e.scope}` : scope });
}
