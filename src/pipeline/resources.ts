/**
 * What the steps of one job share, each made at most once and only when a step needs it: the
 * accelerator choice (one probe), the libvirt connection (closed through the job's cleanup stack)
 * and whom QEMU runs as under it, and the store — opened once per run, which also reclaims the
 * work directories of builds that died and says so. A drop runs many jobs over one JobResources.
 */
import { openHypervisor, type Hypervisor } from '../../hypervisor/index.js';
import type { CleanupStack } from '../core/cleanup.js';
import { KilnError } from '../core/errors.js';
import type { Emit } from '../core/events.js';
import { reclaimedText } from '../core/work-dirs.js';
import { openStore, type Store } from '../store/store.js';
import type { GuestIdentity } from '../core/guest-access.js';
import { chooseAccelerator, type Accelerator, type AccelMode } from './accel.js';

export interface JobContext {
  emit: Emit;
  /** Fires on Ctrl-C / SIGTERM: every step stops and cleans up. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  cwd: string;
  storeDir: string;
  /** libvirt URI (default: qemu:///system as root, qemu:///session otherwise). */
  connect?: string;
  accel: AccelMode;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

export class JobResources {
  readonly accelerator: () => Promise<Accelerator>;
  readonly hypervisor: () => Promise<Hypervisor>;
  readonly store: () => Promise<Store>;
  readonly guestIdentity: () => Promise<GuestIdentity | undefined>;

  constructor(
    readonly ctx: JobContext,
    readonly cleanup: CleanupStack,
    shared?: Pick<JobResources, 'accelerator' | 'hypervisor' | 'store' | 'guestIdentity'>,
  ) {
    if (shared) {
      this.accelerator = shared.accelerator;
      this.hypervisor = shared.hypervisor;
      this.store = shared.store;
      this.guestIdentity = shared.guestIdentity;
      return;
    }
    this.accelerator = once(() => chooseAccelerator(ctx.emit, ctx.accel));
    this.hypervisor = once(async () => {
      const hv = await openHypervisor({ uri: ctx.connect }).catch((error: unknown) => {
        throw new KilnError('HYPERVISOR_UNAVAILABLE', `cannot connect to libvirt${ctx.connect ? ` at ${ctx.connect}` : ''}: ${(error as Error).message}`, {
          cause: error,
          fault: 'external',
          hint: "Run 'kiln doctor'; scripts/setup-host.sh installs and starts libvirt.",
        });
      });
      cleanup.push('libvirt connection', () => hv.close());
      return hv;
    });
    this.guestIdentity = once(async () => (await this.hypervisor()).guestIdentity().catch(() => undefined));
    this.store = once(async () => {
      const store = openStore(ctx.storeDir);
      await store.init();
      for (const r of await store.reclaim()) ctx.emit({ type: 'message', level: 'info', code: 'WORK_RECLAIMED', text: reclaimedText(r) });
      return store;
    });
  }
}

/** The same resources for one step of a larger job: its own events (scoped), cleanup scope and signal. */
export function stepResources(res: JobResources, o: { emit: Emit; cleanup: CleanupStack; signal?: AbortSignal }): JobResources {
  return new JobResources({ ...res.ctx, emit: o.emit, signal: o.signal ?? res.ctx.signal }, o.cleanup, res);
}
