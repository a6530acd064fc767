/**
 * Which accelerator works here: KVM or only TCG. A device node is not proof: on some machines
 * /dev/kvm exists and opens, yet a guest under KVM hangs or aborts ("failed to set MSR") because
 * the CPU exposes no vmx/svm. So the probe, in order:
 *   1. reads /proc/cpuinfo for vmx/svm (fast negative),
 *   2. opens /dev/kvm read-write (fast negative),
 *   3. RUNS the boot sector (boot-sector.ts) under `-accel kvm`, with a timeout.
 * It also runs the same boot sector under `-accel tcg`, so `kiln doctor` can report both, and
 * uses that time as a yardstick: a "KVM" that is much slower than TCG at a few hundred BIOS
 * instructions is emulated, not hardware (measured on a machine without vmx: the boot sector
 * took 3.0 s under -accel kvm, all system time, against 0.1 s under TCG; a Linux kernel then
 * hung for a minute).
 * Processes run through the runner the caller injects (this layer spawns nothing itself).
 * The result is cached per process and options.
 */
import { constants } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HypervisorError } from '../errors.js';
import type { Runner } from '../types.js';
import { emulatorFor } from '../domain-xml/emulator.js';
import { DEBUG_EXIT_DEVICE, PROBE_EXIT_STATUS, PROBE_MARKER, bootSector } from './boot-sector.js';

export type Accel = 'kvm' | 'tcg';

export interface BootOutcome {
  ok: boolean;
  /** Wall time of the QEMU run (0 when it was not run). */
  seconds: number;
  /** Why it works or not, in one line. */
  detail: string;
}

export interface AcceleratorProbe {
  accel: Accel;
  /** libvirt domain type to use: kvm with KVM, qemu (TCG) otherwise. */
  domainType: 'kvm' | 'qemu';
  /** One line for the user: what was chosen and why. */
  reason: string;
  kvm: BootOutcome;
  tcg: BootOutcome;
}

export interface ProbeOptions {
  /** Default emulatorFor('x86_64'). */
  emulator?: string;
  /** Per QEMU run; default 15 s. */
  timeoutMs?: number;
  /** Default /proc/cpuinfo. */
  cpuinfoPath?: string;
  /** Default /dev/kvm. */
  kvmDevice?: string;
  /** Skip steps 1-2 and run the KVM boot anyway (to see what KVM does on this host). */
  forceKvmBoot?: boolean;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** KVM counts as working only if the probe is not much slower than under TCG. */
const SLOWER_THAN_TCG_FACTOR = 4;
const SLOWER_THAN_TCG_SLACK_S = 1;

const cache = new Map<string, Promise<AcceleratorProbe>>();

/** Probes once per process (per options); a probe that throws is not cached. */
export function probeAccelerator(runner: Runner, options: ProbeOptions = {}): Promise<AcceleratorProbe> {
  const key = JSON.stringify([options.emulator, options.timeoutMs, options.cpuinfoPath, options.kvmDevice, options.forceKvmBoot]);
  let probe = cache.get(key);
  if (!probe) {
    probe = runProbe(runner, options);
    cache.set(key, probe);
    probe.catch(() => cache.delete(key));
  }
  return probe;
}

async function runProbe(runner: Runner, options: ProbeOptions): Promise<AcceleratorProbe> {
  const emulator = options.emulator ?? emulatorFor('x86_64');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tcg = await bootProbe(runner, emulator, 'tcg', timeoutMs);
  const kvm = await kvmOutcome(runner, emulator, timeoutMs, options, tcg);
  if (kvm.ok) return { accel: 'kvm', domainType: 'kvm', reason: `KVM works (${kvm.detail})`, kvm, tcg };
  const reason = tcg.ok
    ? `KVM is not usable (${kvm.detail}); using TCG, which is much slower`
    : `KVM is not usable (${kvm.detail}) and TCG failed too (${tcg.detail})`;
  return { accel: 'tcg', domainType: 'qemu', reason, kvm, tcg };
}

async function kvmOutcome(runner: Runner, emulator: string, timeoutMs: number, options: ProbeOptions, tcg: BootOutcome): Promise<BootOutcome> {
  if (!options.forceKvmBoot) {
    const cpuinfoPath = options.cpuinfoPath ?? '/proc/cpuinfo';
    const flags = await readFile(cpuinfoPath, 'utf8').catch(() => undefined);
    if (flags !== undefined && !/^flags\s*:.*\b(vmx|svm)\b/m.test(flags)) {
      return { ok: false, seconds: 0, detail: `${cpuinfoPath} shows no vmx or svm CPU flag: no hardware virtualization` };
    }
    const device = options.kvmDevice ?? '/dev/kvm';
    const opened = await open(device, constants.O_RDWR).then(
      async (handle) => (await handle.close(), undefined),
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    if (opened !== undefined) return { ok: false, seconds: 0, detail: `${device} cannot be opened read-write (${opened})` };
  }
  const kvm = await bootProbe(runner, emulator, 'kvm', timeoutMs);
  if (kvm.ok && tcg.ok && kvm.seconds > tcg.seconds * SLOWER_THAN_TCG_FACTOR + SLOWER_THAN_TCG_SLACK_S) {
    return {
      ok: false,
      seconds: kvm.seconds,
      detail: `the probe guest ran under KVM but took ${kvm.seconds.toFixed(1)} s against ${tcg.seconds.toFixed(1)} s with TCG: not usable hardware acceleration`,
    };
  }
  return kvm;
}

/** Boots the probe sector once under the given accelerator and judges the outcome. */
export async function bootProbe(runner: Runner, emulator: string, accel: Accel, timeoutMs: number = DEFAULT_TIMEOUT_MS): Promise<BootOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-accel-probe-')).catch((error: unknown) => {
    throw new HypervisorError('PROBE', `cannot create a directory for the accelerator probe: ${(error as Error).message}`, { cause: error });
  });
  try {
    const image = join(dir, 'boot-sector.img');
    await writeFile(image, bootSector());
    const args = [
      '-accel', accel,
      '-machine', 'pc',
      '-m', '16',
      '-nodefaults',
      '-no-user-config',
      '-display', 'none',
      '-serial', 'stdio',
      '-device', DEBUG_EXIT_DEVICE,
      '-drive', `file=${image.replaceAll(',', ',,')},format=raw,if=ide,index=0`,
      '-no-reboot',
    ];
    const started = performance.now();
    let result: Awaited<ReturnType<Runner>>;
    try {
      result = await runner(emulator, args, { timeoutMs });
    } catch (error) {
      return { ok: false, seconds: 0, detail: `cannot run ${emulator}: ${(error as Error).message}` };
    }
    const seconds = (performance.now() - started) / 1000;
    if (result.timedOut) {
      return { ok: false, seconds, detail: `${emulator} -accel ${accel} did not finish the probe within ${timeoutMs / 1000} s` };
    }
    if (result.exitCode === PROBE_EXIT_STATUS && result.stdout.includes(PROBE_MARKER)) {
      return { ok: true, seconds, detail: `the probe guest ran in ${seconds.toFixed(2)} s` };
    }
    const said = lastLine(result.stderr) ?? lastLine(result.stdout) ?? 'no output';
    return { ok: false, seconds, detail: `${emulator} -accel ${accel} exited with status ${result.exitCode}: ${said}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function lastLine(text: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
}
