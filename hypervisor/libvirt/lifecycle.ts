/**
 * libvirt's domain lifecycle events as data: the event numbers (virDomainEventType) and, per
 * event, the names of its detail numbers (virDomainEvent*DetailType), from
 * include/libvirt/libvirt-domain.h. Unknown numbers (a newer libvirt) become "unknown-N".
 */

export type LifecycleEventName =
  | 'defined'
  | 'undefined'
  | 'started'
  | 'suspended'
  | 'resumed'
  | 'stopped'
  | 'shutdown'
  | 'pmsuspended'
  | 'crashed';

export interface LifecycleEvent {
  event: LifecycleEventName;
  /** The event's detail in words, e.g. "booted", "shutdown", "destroyed", "crashed", "guest". */
  detail: string;
}

/** VIR_DOMAIN_EVENT_ID_LIFECYCLE, the eventID passed to virConnectDomainEventRegisterAny. */
export const EVENT_ID_LIFECYCLE = 0;

const EVENTS: readonly LifecycleEventName[] = [
  'defined',
  'undefined',
  'started',
  'suspended',
  'resumed',
  'stopped',
  'shutdown',
  'pmsuspended',
  'crashed',
];

const DETAILS: Record<LifecycleEventName, readonly string[]> = {
  defined: ['added', 'updated', 'renamed', 'from-snapshot'],
  undefined: ['removed', 'renamed'],
  started: ['booted', 'migrated', 'restored', 'from-snapshot', 'wakeup'],
  suspended: [
    'paused',
    'migrated',
    'ioerror',
    'watchdog',
    'restored',
    'from-snapshot',
    'api-error',
    'postcopy',
    'postcopy-failed',
  ],
  resumed: ['unpaused', 'migrated', 'from-snapshot', 'postcopy', 'postcopy-failed'],
  // shutdown: the guest powered off (or QEMU quit); destroyed: virDomainDestroy; crashed: the
  // guest crashed (with on_crash=destroy); failed: the host side failed (QEMU died).
  stopped: ['shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from-snapshot'],
  // finished: the shutdown sequence completed; guest: the guest asked for it; host: the host did.
  shutdown: ['finished', 'guest', 'host'],
  pmsuspended: ['memory', 'disk'],
  crashed: ['panicked', 'crashloaded'],
};

/** Translates libvirt's (event, detail) numbers into names. */
export function lifecycleEvent(event: number, detail: number): LifecycleEvent | undefined {
  const name = EVENTS[event];
  if (name === undefined) return undefined;
  return { event: name, detail: DETAILS[name][detail] ?? `unknown-${detail}` };
}
