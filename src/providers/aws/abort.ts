/**
 * Every AWS call takes the run's abort signal, so Ctrl-C during a call to an endpoint that never
 * answers ends in seconds, not after the SDK's attempts × request timeout. A call that creates
 * something (RegisterImage, CopyImage, ImportSnapshot) gets a short grace after the interrupt:
 * if its answer comes within it, the new id is in the ledger and the run's cleanup deletes it;
 * if not, the resource carries kiln's tags, and a re-run finds and reuses it.
 */

/** How long a creating call may still finish after an interrupt. */
export const CREATE_GRACE_MS = 5_000;

/** The SDK's per-call options for `signal`. */
export function abortable(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

/** A signal that fires `graceMs` after `signal` does. */
export function afterGrace(signal: AbortSignal | undefined, graceMs = CREATE_GRACE_MS): AbortSignal | undefined {
  if (!signal) return undefined;
  const controller = new AbortController();
  const fire = () => {
    const timer = setTimeout(() => controller.abort(signal.reason), graceMs);
    timer.unref();
  };
  if (signal.aborted) fire();
  else signal.addEventListener('abort', fire, { once: true });
  return controller.signal;
}
