#!/usr/bin/env node
/**
 * kiln's entry point: parses argv, picks a reporter, runs the command, prints its result, and is
 * the only place that prints errors and sets the exit status (2 usage, 1 failure, 130 interrupt).
 */
import { errorJson, formatError } from './print-error.js';
import { parseArgv, runInvocation } from './program.js';
import { commands } from './commands/index.js';
import { pickReporter } from '../reporters/index.js';
import { KilnError, interruptedError, signalInterrupt, toKilnError } from '../core/errors.js';

export interface MainIo {
  argv: string[];
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
}

export async function main(io: MainIo): Promise<number> {
  const json = io.argv.includes('--json');
  let reporter: ReturnType<typeof pickReporter> | undefined;
  try {
    const invocation = parseArgv(commands, io.argv, (s) => io.stdout.write(s));
    if (!invocation) return 0;
    const verbose = Boolean(invocation.options.verbose);
    reporter = json
      ? pickReporter('json', { out: io.stdout, verbose })
      : pickReporter(undefined, { out: io.stderr, verbose });
    const result = await runInvocation(invocation, {
      emit: (e) => reporter!.event(e),
      signal: io.signal,
      json,
      cwd: io.cwd,
      env: io.env,
      isTTY: Boolean(io.stdout.isTTY),
    });
    reporter.close();
    if (json) {
      if (result.json !== undefined) io.stdout.write(`${JSON.stringify({ type: 'result', data: result.json })}\n`);
    } else if (result.text !== undefined && result.text !== '') {
      io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    }
    return result.exitCode ?? 0;
  } catch (error) {
    reporter?.close();
    const err = asInterruption(toKilnError(error), io.signal);
    // Printed once: as a JSON line with --json (code, message, hint, details), else as text on stderr.
    if (json) io.stdout.write(`${JSON.stringify(errorJson(err))}\n`);
    else io.stderr.write(`${formatError(err)}\n`);
    return err.exitCode;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1] ?? '';
  return /[\\/]cli[\\/]main\.(js|ts)$/.test(entry) || /[\\/]kiln$/.test(entry);
}

if (isEntryPoint()) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
    interrupts++;
    // The third is the force-quit: out at once, whatever is still running (see forceExit).
    if (interrupts > 2) void import('../pipeline/force-exit.js').then((m) => m.forceExit(sig === 'SIGINT' ? 130 : 143));
    controller.abort(signalInterrupt(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Output piped into a command that stopped reading (`kiln … | head`): stop the work as on
  // Ctrl-C, clean up, and exit quietly; nothing more is written.
  const onOutputError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    quiet.closed = true;
    controller.abort(signalInterrupt('SIGPIPE'));
  };
  const quiet = { closed: false };
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  const out = guarded(process.stdout, quiet);
  const err = guarded(process.stderr, quiet);
  main({ argv: process.argv.slice(2), stdout: out, stderr: err, env: process.env, cwd: process.cwd(), signal: controller.signal })
    .then((code) => {
      process.exitCode = code;
      // Long-lived handles (libvirt event loop, HTTP servers) are closed by the commands; this
      // guards against a hang if one was missed: still running 2 s later, kiln leaves at once.
      setTimeout(() => void import('../pipeline/force-exit.js').then((m) => m.forceExit(code)), 2_000).unref();
    })
    .catch((error) => {
      err.write(`${formatError(error)}\n`);
      process.exitCode = 1;
    });
}

/** A stream that drops writes once the reader went away (no EPIPE storm, no stack trace). */
function guarded<T extends NodeJS.WriteStream>(stream: T, state: { closed: boolean }): T {
  return new Proxy(stream, {
    get(target, prop, receiver) {
      if (prop === 'write') return (chunk: unknown, ...rest: unknown[]) => (state.closed ? true : (target.write as (...a: unknown[]) => boolean)(chunk, ...rest));
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A Ctrl-C reaches kiln's children (tar, xz, QEMU's helpers) at the same moment as kiln: what was
 * under way may fail of it before kiln's own handler has run. Once the run is interrupted, that
 * is what the user is told (exit 128 + the signal's number), with the failure it caused as a detail.
 */
function asInterruption(err: KilnError, signal: AbortSignal): KilnError {
  if (!signal.aborted || err.code === 'INTERRUPTED') return err;
  const interruption = interruptedError(signal.reason);
  return new KilnError(interruption.code, interruption.message, {
    cause: err,
    exitCode: interruption.exitCode,
    details: [`under way when it came: [${err.code}] ${err.message}`],
  });
}
