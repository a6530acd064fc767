/**
 * The only way kiln runs a process (the only importer of execa). Always an argv array, never a
 * shell string; always a timeout; the child is killed if kiln exits or the AbortSignal fires.
 * A failure becomes a KilnError (code COMMAND_FAILED, COMMAND_TIMEOUT or COMMAND_NOT_FOUND) that
 * keeps the command, exit code, signal and the tail of stderr.
 */
import { execa, ExecaError, type Options, type ResultPromise } from 'execa';
import { KilnError, interruptedError } from './errors.js';

export interface RunOptions {
  /** Required on purpose: every child has a deadline. Use Infinity only for work bounded elsewhere. */
  timeoutMs: number;
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Uint8Array;
  signal?: AbortSignal;
  /** Where stdout goes: captured (default), dropped, or written to a file. */
  stdout?: 'pipe' | 'ignore' | { file: string };
  /** Where stdin comes from when no `input` is given: nothing (default) or a file. */
  stdin?: 'ignore' | { file: string };
  /** Return raw bytes of stdout instead of text. */
  binary?: boolean;
  /** Hint attached to the error if the command fails. */
  hint?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const STDERR_TAIL_LINES = 20;

function execaOptions(options: RunOptions): Options {
  return {
    timeout: Number.isFinite(options.timeoutMs) ? options.timeoutMs : undefined,
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    cancelSignal: options.signal,
    cleanup: true,
    forceKillAfterDelay: 5_000,
    input: options.input,
    stdin: options.input === undefined ? (options.stdin ?? 'ignore') : undefined,
    stdout: options.stdout ?? 'pipe',
    stderr: 'pipe',
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
    encoding: options.binary ? 'buffer' : 'utf8',
  } as Options;
}

export function describeCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

function tail(text: unknown, lines: number): string[] {
  const s = typeof text === 'string' ? text : text instanceof Uint8Array ? Buffer.from(text).toString('utf8') : '';
  return s.split('\n').filter((l) => l.trim() !== '').slice(-lines);
}

/** Turns an execa failure into a KilnError. Exported for code that uses spawn(). */
export function commandError(error: unknown, file: string, args: readonly string[], hint?: string, timeoutMs?: number): KilnError {
  const command = describeCommand(file, args);
  if (!(error instanceof ExecaError)) {
    return new KilnError('COMMAND_FAILED', `${command}: ${String(error)}`, { cause: error, hint });
  }
  if (error.isCanceled) return interruptedError(error.cause ?? error);
  if ((error as { code?: string }).code === 'ENOENT') {
    return new KilnError('COMMAND_NOT_FOUND', `${file}: command not found`, {
      cause: error,
      fault: 'user',
      hint: hint ?? 'Run scripts/setup.sh to install the host tools kiln needs.',
    });
  }
  const details = tail(error.stderr, STDERR_TAIL_LINES);
  if (error.timedOut) {
    return new KilnError('COMMAND_TIMEOUT', `${command}: timed out${timeoutMs !== undefined ? ` after ${timeoutMs / 1000} s` : ''}`, {
      cause: error,
      details,
      hint,
    });
  }
  const how = error.signal ? `killed by ${error.signal}` : `exited with status ${error.exitCode}`;
  return new KilnError('COMMAND_FAILED', `${command}: ${how}`, { cause: error, details, hint });
}

/** Runs a command to completion and returns its output; throws KilnError on any failure. */
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  try {
    const result = await execa(file, args, execaOptions(options));
    const out = result.stdout as unknown;
    return {
      stdout: typeof out === 'string' ? out : out instanceof Uint8Array ? Buffer.from(out).toString('latin1') : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      exitCode: result.exitCode ?? 0,
    };
  } catch (error) {
    throw commandError(error, file, args, options.hint, options.timeoutMs);
  }
}

/** Runs a command and returns stdout as bytes. */
export async function runBinary(file: string, args: readonly string[], options: RunOptions): Promise<Buffer> {
  try {
    const result = await execa(file, args, execaOptions({ ...options, binary: true }));
    return Buffer.from(result.stdout as unknown as Uint8Array);
  } catch (error) {
    throw commandError(error, file, args, options.hint, options.timeoutMs);
  }
}

/** Whether a command exists and exits 0 (for probes: never throws). */
export async function succeeds(file: string, args: readonly string[], timeoutMs = 10_000): Promise<boolean> {
  try {
    await execa(file, args, execaOptions({ timeoutMs }));
    return true;
  } catch {
    return false;
  }
}

export interface SpawnOptions extends Omit<RunOptions, 'stdout' | 'stdin' | 'binary'> {
  stdout?: 'pipe' | 'ignore' | { file: string };
  stdin?: 'ignore' | 'pipe' | { file: string };
  stderr?: 'pipe' | 'ignore';
  /** Keep stdout in memory for the result (default true). False for large streams read by the caller. */
  buffer?: boolean;
}

/**
 * Starts a long-running child (streaming, pipelines with `.pipe()`). The caller awaits the
 * returned promise; wrap the await with `commandError` to keep kiln's error shape.
 */
export function spawn(file: string, args: readonly string[], options: SpawnOptions): ResultPromise {
  return execa(file, args, {
    ...execaOptions({ ...options, stdin: undefined, stdout: options.stdout, binary: true }),
    stdin: options.input === undefined ? (options.stdin ?? 'ignore') : undefined,
    stderr: options.stderr ?? 'pipe',
    buffer: options.buffer ?? true,
  } as Options);
}

export interface UncheckedResult extends RunResult {
  timedOut: boolean;
}

/**
 * Runs a command and reports how it ended instead of throwing on a non-zero exit or a timeout
 * (probes). It still throws when the command cannot start at all or the signal aborts.
 */
export async function runUnchecked(file: string, args: readonly string[], options: RunOptions): Promise<UncheckedResult> {
  try {
    const result = await execa(file, args, { ...execaOptions(options), reject: false } as Options);
    if (result.isCanceled) throw interruptedError(options.signal?.reason);
    if ((result as { code?: string }).code === 'ENOENT' || (result.failed && result.exitCode === undefined && !result.timedOut && !result.signal)) {
      throw commandError(result, file, args, options.hint, options.timeoutMs);
    }
    return {
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      exitCode: result.exitCode ?? -1,
      timedOut: Boolean(result.timedOut),
    };
  } catch (error) {
    if (error instanceof KilnError) throw error;
    throw commandError(error, file, args, options.hint, options.timeoutMs);
  }
}
