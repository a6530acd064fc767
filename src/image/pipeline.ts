/**
 * A shell-free pipeline: `a | b | c > file`, where the last stage's output goes through a
 * HashingWriter (checksum while writing). If any stage or the writer fails, every other stage is
 * killed and the first error is thrown.
 */
import type { Readable, Writable } from 'node:stream';
import { commandError, spawn } from '../core/run.js';
import type { HashingWriter } from './hashing-writer.js';

export interface Stage {
  file: string;
  args: string[];
  cwd?: string;
}

export interface PipelineOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** The first stage reads this file on stdin (default: nothing). */
  stdinFile?: string;
}

/** Runs `stages` connected by pipes and appends the last one's stdout to `writer`. */
export async function pipeToWriter(stages: Stage[], writer: HashingWriter, options: PipelineOptions): Promise<void> {
  const procs = stages.map((stage, i) =>
    spawn(stage.file, stage.args, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      cwd: stage.cwd,
      stdin: i === 0 ? (options.stdinFile ? { file: options.stdinFile } : 'ignore') : 'pipe',
      stdout: 'pipe',
      buffer: false,
    }),
  );
  let firstError: unknown;
  const fail = (error: unknown): void => {
    if (firstError !== undefined) return;
    firstError = error;
    for (const p of procs) p.kill();
  };
  for (let i = 0; i + 1 < procs.length; i++) {
    const out = procs[i]!.stdout as Readable;
    const into = procs[i + 1]!.stdin as Writable;
    // A stage that dies early closes its stdin: the writer before it gets EPIPE, which is reported
    // through that stage's exit, not as an unhandled stream error. `pipe()` then stops reading the
    // stage before, whose stdout would never end (and execa never settle) with data left in it:
    // drain it instead, so that stage's exit is seen too (a Ctrl-C kills every stage at once).
    into.on('error', () => {});
    into.on('close', () => {
      out.unpipe(into);
      out.resume();
    });
    out.pipe(into);
  }
  const waits = procs.map((p, i) =>
    p.then(
      () => undefined,
      (error: unknown) => fail(commandError(error, stages[i]!.file, stages[i]!.args, undefined, options.timeoutMs)),
    ),
  );
  const last = procs[procs.length - 1]!.stdout as Readable;
  const consume = writer.writeAll(last).catch(fail);
  await Promise.all([...waits, consume]);
  if (firstError !== undefined) throw firstError;
}
