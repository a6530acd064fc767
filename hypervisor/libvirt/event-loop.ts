/**
 * libvirt's default event loop, pumped from Node.
 *
 * Domain lifecycle events (and the remote driver's keepalive) need an event loop registered
 * before the first connection is opened. kiln uses libvirt's own (virEventRegisterDefaultImpl) and
 * runs one iteration at a time with virEventRunDefaultImpl through koffi's `.async`, in a loop:
 * the iteration blocks on a libuv worker thread, never on the main thread. Callbacks libvirt
 * fires from that thread (events, timers, errors) are relayed by koffi to the main thread.
 *
 * A periodic libvirt timeout is registered so that an iteration always ends within WAKE_MS even
 * when nothing happens; stopping sets the timeout to fire at once, so the loop ends promptly.
 * The loop runs while at least one connection is open; while it runs, the pending async call keeps
 * Node alive, and once stopped nothing is left that would keep the process from exiting (a worker
 * blocked inside libvirt at exit would hang it).
 */
import koffi from 'koffi';
import { HypervisorError } from '../errors.js';
import { invokeAsync, installErrorHandler } from './call.js';
import { libvirt } from './ffi.js';

/** Longest an idle iteration lasts: bounds the time to notice a stop request. */
const WAKE_MS = 1000;

let timerId = -1;
let users = 0;
let stopRequested = false;
let pump: Promise<void> | undefined;
let stopping: Promise<void> | undefined;

function ensureRegistered(): void {
  if (timerId >= 0) return;
  const api = libvirt();
  installErrorHandler();
  if (api.virEventRegisterDefaultImpl() < 0) {
    throw new HypervisorError('LIBVIRT', 'virEventRegisterDefaultImpl failed', { operation: 'virEventRegisterDefaultImpl' });
  }
  // The callback does nothing: firing is what wakes the loop. Kept for the life of the process.
  const wake = koffi.register(() => {}, koffi.pointer(api.timeoutCallbackProto));
  timerId = api.virEventAddTimeout(-1, wake, null, null);
  if (timerId < 0) {
    throw new HypervisorError('LIBVIRT', 'virEventAddTimeout failed', { operation: 'virEventAddTimeout' });
  }
}

async function runPump(): Promise<void> {
  const api = libvirt();
  while (!stopRequested) {
    const status = await invokeAsync<number>(api.virEventRunDefaultImpl, []);
    // -1 means the loop itself failed (should not happen with the default impl); do not spin.
    if (status < 0 && !stopRequested) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Registers the event implementation (first time) and starts the pump unless it runs. */
export async function acquireEventLoop(): Promise<void> {
  ensureRegistered();
  users += 1;
  if (stopping) await stopping;
  if (!pump) {
    stopRequested = false;
    libvirt().virEventUpdateTimeout(timerId, WAKE_MS);
    pump = runPump();
  }
}

/** Drops one user; the last one stops the pump and waits until no iteration is in flight. */
export async function releaseEventLoop(): Promise<void> {
  users = Math.max(0, users - 1);
  if (users > 0 || !pump) return;
  if (!stopping) {
    stopRequested = true;
    libvirt().virEventUpdateTimeout(timerId, 0);
    stopping = pump.finally(() => {
      pump = undefined;
      stopping = undefined;
      libvirt().virEventUpdateTimeout(timerId, -1);
    });
  }
  await stopping;
}

/** Whether the pump is running (tests check that closing the last connection stops it). */
export function eventLoopRunning(): boolean {
  return pump !== undefined;
}
