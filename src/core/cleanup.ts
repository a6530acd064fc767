/**
 * A cleanup stack: every resource a stage creates (domain, temp dir, half-written file, HTTP
 * server) registers how to undo it; on success the stage releases what it keeps, on failure or
 * interrupt `unwind()` undoes everything in reverse order and keeps going past errors.
 *
 * A job has one stack. A step that runs beside others (a drop builds several images at once)
 * takes a `scope()`: a child stack registered as one entry of its parent, unwound when the step
 * ends, so parallel steps never unwind each other's resources and an interrupt still reaches
 * every resource through the root.
 */
import type { Emit } from './events.js';

interface Entry {
  label: string;
  undo: () => Promise<void> | void;
}

export class CleanupStack {
  private entries: Entry[] = [];

  /** Registers an undo action; the returned function drops it (the resource is kept). */
  push(label: string, undo: () => Promise<void> | void): () => void {
    const entry: Entry = { label, undo };
    this.entries.push(entry);
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
    };
  }

  get size(): number {
    return this.entries.length;
  }

  get labels(): string[] {
    return this.entries.map((e) => e.label);
  }

  /**
   * Runs `body` with a child stack that is unwound when `body` ends (success or failure); until
   * then the child is one entry of this stack, so unwinding this stack unwinds the child too.
   */
  async scope<T>(label: string, emit: Emit | undefined, body: (child: CleanupStack) => Promise<T>): Promise<T> {
    const child = new CleanupStack();
    const release = this.push(label, async () => {
      await child.unwind(emit);
    });
    try {
      return await body(child);
    } finally {
      release();
      await child.unwind(emit);
    }
  }

  /** Runs every undo action, newest first. Failures are reported, never thrown. */
  async unwind(emit?: Emit): Promise<Error[]> {
    const failures: Error[] = [];
    while (this.entries.length > 0) {
      const entry = this.entries.pop()!;
      try {
        await entry.undo();
        emit?.({ type: 'message', level: 'debug', text: `cleaned up ${entry.label}` });
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        failures.push(err);
        emit?.({ type: 'message', level: 'warn', code: 'CLEANUP_FAILED', text: `cleanup of ${entry.label} failed: ${err.message}` });
      }
    }
    return failures;
  }
}

/**
 * Runs `body` with a fresh cleanup stack: on success the stack is unwound too (temporary work is
 * always removed) unless `body` released the entries it wants to keep.
 */
export async function withCleanup<T>(emit: Emit | undefined, body: (stack: CleanupStack) => Promise<T>): Promise<T> {
  const stack = new CleanupStack();
  try {
    return await body(stack);
  } finally {
    await stack.unwind(emit);
  }
}

/**
 * Runs `body` in a scope of `parent` (a step of a job) or, without a parent, on a stack of its
 * own (a library caller with no job): the same cleanup either way.
 */
export function inScope<T>(parent: CleanupStack | undefined, label: string, emit: Emit | undefined, body: (stack: CleanupStack) => Promise<T>): Promise<T> {
  return parent ? parent.scope(label, emit, body) : withCleanup(emit, body);
}
