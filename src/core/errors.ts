/**
 * The one error type of kiln. Every failure that reaches the user is a KilnError with a stable
 * code from the catalogue (error-catalogue.ts: fault, usage or not, default hint), a message, a
 * hint, the underlying cause and, for bad input, the file and line. Only the CLI prints errors
 * (see src/cli/print-error.ts); library code throws.
 */
import { errorSpec, type ErrorCode } from './error-catalogue.js';
import type { Fault } from './error-spec.js';

export type { ErrorCode } from './error-catalogue.js';
export type { Fault } from './error-spec.js';

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface KilnErrorOptions {
  /** Default: the catalogue's hint for the code. */
  hint?: string;
  cause?: unknown;
  /** Default: the catalogue's fault for the code. */
  fault?: Fault;
  source?: SourceLocation;
  /** Extra lines shown under the message, e.g. the last lines of an installer log. */
  details?: string[];
  /** A usage error (bad flags or arguments): exit status 2 instead of 1. Default: the catalogue's. */
  usage?: boolean;
  /** The exit status, when neither 1 nor 2 (an interrupt: 128 + the signal's number). */
  exitCode?: number;
}

export class KilnError extends Error {
  override readonly name = 'KilnError';
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly fault: Fault;
  readonly source?: SourceLocation;
  readonly details: string[];
  readonly usage: boolean;
  private readonly status?: number;

  constructor(code: ErrorCode, message: string, options: KilnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = errorSpec(code);
    this.code = code;
    this.hint = options.hint ?? spec.hint;
    this.usage = options.usage ?? spec.usage ?? false;
    this.fault = options.fault ?? (options.usage ? 'user' : spec.fault);
    this.source = options.source;
    this.details = options.details ?? [];
    this.status = options.exitCode;
  }

  get exitCode(): number {
    return this.status ?? (this.usage ? 2 : 1);
  }
}

export function isKilnError(value: unknown): value is KilnError {
  return value instanceof KilnError;
}

/** Shorthand for a usage error (exit 2): a bad flag, argument or value. */
export function usageError(message: string, hint?: string, source?: SourceLocation): KilnError {
  return new KilnError('USAGE', message, { usage: true, fault: 'user', hint, source });
}

/** Anything thrown that is not a KilnError becomes an INTERNAL one (a kiln bug), keeping the cause. */
export function toKilnError(value: unknown): KilnError {
  if (isKilnError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new KilnError('INTERNAL', message, { cause: value });
}

/** The error an aborted operation throws (Ctrl-C, SIGTERM, --timeout). */
export function interruptedError(reason: unknown): KilnError {
  if (isKilnError(reason)) return reason;
  return new KilnError('INTERRUPTED', 'interrupted', { cause: reason, exitCode: 130 });
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGPIPE: 13, SIGTERM: 15 };

/**
 * The reason a run is aborted by a signal (or by its output going away: SIGPIPE), as the abort
 * reason every step sees; it exits 128 + the signal's number, as shells expect.
 */
export function signalInterrupt(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGPIPE'): KilnError {
  const why = signal === 'SIGPIPE' ? 'the output was closed (SIGPIPE)' : `received ${signal}`;
  return new KilnError('INTERRUPTED', `interrupted: ${why}`, { exitCode: 128 + SIGNAL_NUMBERS[signal]! });
}
