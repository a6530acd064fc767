/**
 * Koji faults as KilnErrors. The hub answers a failed call with an XML-RPC fault whose code names
 * the exception (koji/__init__.py: GenericError 1000, AuthError 1002, …; 1 for an unexpected
 * Python exception such as a bare KeyError). Each becomes a KilnError with a stable code, Koji's
 * text in the message and a KojiFault (method, code, text) as its cause.
 */
import { KilnError, type ErrorCode, type Fault } from '../../core/errors.js';

export class KojiFault extends Error {
  override readonly name = 'KojiFault';
  constructor(
    readonly method: string,
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(faultString);
  }
}

interface FaultKind {
  /** Koji's exception class. */
  name: string;
  code: ErrorCode;
  fault: Fault;
  hint?: string;
}

const AUTH_HINT = 'Check --cert (client certificate and key, PEM) and --serverca, and that the certificate names a Koji user.';
const AUTH: FaultKind = { name: 'AuthError', code: 'KOJI_AUTH_ERROR', fault: 'user', hint: AUTH_HINT };

/** Koji's fault codes (koji/__init__.py), by code. */
export const KOJI_FAULTS: Record<number, FaultKind> = {
  1: {
    name: 'unexpected hub exception',
    code: 'KOJI_HUB_ERROR',
    fault: 'external',
    hint: 'The hub failed inside the call (a Python exception, not a Koji error); its log has the traceback.',
  },
  1000: { name: 'GenericError', code: 'KOJI_ERROR', fault: 'external' },
  1001: { name: 'LockError', code: 'KOJI_LOCK_ERROR', fault: 'external', hint: 'Another call holds the lock; try again.' },
  1002: AUTH,
  1003: { name: 'TagError', code: 'KOJI_TAG_ERROR', fault: 'user' },
  1004: {
    name: 'ActionNotAllowed',
    code: 'KOJI_NOT_ALLOWED',
    fault: 'user',
    hint: 'The Koji user lacks a permission or the hub policy refuses it (content generator access: grantCGAccess; tagging: the tag policy).',
  },
  1005: { name: 'BuildError', code: 'KOJI_BUILD_ERROR', fault: 'external' },
  1006: { ...AUTH, name: 'AuthLockError' },
  1007: { ...AUTH, name: 'AuthExpired', hint: 'The session expired; run the command again.' },
  1008: { ...AUTH, name: 'SequenceError', fault: 'kiln', hint: 'Calls of one session arrived out of order; this is a bug in kiln.' },
  1009: { ...AUTH, name: 'RetryError', fault: 'external' },
  1010: { name: 'PreBuildError', code: 'KOJI_BUILD_ERROR', fault: 'external' },
  1011: { name: 'PostBuildError', code: 'KOJI_BUILD_ERROR', fault: 'external' },
  1012: { name: 'BuildrootError', code: 'KOJI_BUILD_ERROR', fault: 'external' },
  1013: { name: 'FunctionDeprecated', code: 'KOJI_DEPRECATED', fault: 'kiln' },
  1014: { name: 'ServerOffline', code: 'KOJI_OFFLINE', fault: 'external', hint: 'The hub is in maintenance mode; try again later.' },
  1016: { name: 'PluginError', code: 'KOJI_PLUGIN_ERROR', fault: 'external' },
  1017: { name: 'CallbackError', code: 'KOJI_PLUGIN_ERROR', fault: 'external' },
  1019: { name: 'ParameterError', code: 'KOJI_PARAMETER_ERROR', fault: 'kiln', hint: "The hub did not accept the call's arguments: a hub older than kiln expects, or a bug in kiln." },
  1020: { name: 'ImportError', code: 'KOJI_IMPORT_ERROR', fault: 'external' },
  1021: { name: 'ConfigurationError', code: 'KOJI_CONFIGURATION_ERROR', fault: 'external' },
  1023: { ...AUTH, name: 'GSSAPIAuthError' },
  1024: { name: 'NameValidationError', code: 'KOJI_NAME_INVALID', fault: 'user' },
};

/** A hub with KojiTraceback on sends the whole traceback: the message gets its last line, details the rest. */
function splitText(text: string): { message: string; details: string[] } {
  const lines = text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  if (lines.length <= 1) return { message: text.trim(), details: [] };
  return { message: lines.at(-1)!.trim(), details: lines.slice(0, -1) };
}

export function kojiFaultError(fault: KojiFault, hint?: string): KilnError {
  const kind = KOJI_FAULTS[fault.faultCode] ?? { name: 'fault', code: 'KOJI_FAULT', fault: 'external' as Fault };
  const { message, details } = splitText(fault.faultString);
  return new KilnError(kind.code, `Koji ${fault.method}: ${message || '(no text)'} (fault ${fault.faultCode}, ${kind.name})`, {
    cause: fault,
    fault: kind.fault,
    details,
    hint: hint ?? kind.hint,
  });
}

/** The KojiFault behind a KilnError, if it came from the hub. */
export function kojiFaultOf(error: unknown): KojiFault | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof KojiFault ? cause : undefined;
}
