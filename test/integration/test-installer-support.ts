/**
 * Support for the integration tests: plain `qemu-system` runs of the Anaconda test double (no
 * libvirt: that tests the test double alone), and booting a disk image by itself with a
 * serial-console conversation ("it boots, and we can log in").
 */
import { copyFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run, spawn } from '../../src/core/run.js';
import { ARCHES, type TreeArch } from '../../scripts/test-installer/arch.js';
import { findUefiFirmware } from '../../hypervisor/index.js';

export const LOG_PORT = 'org.fedoraproject.anaconda.log.0';

export type DiskFormat = 'qcow2' | 'raw';

/** SeaBIOS (QEMU's default), OVMF, or OVMF's Secure Boot build with Microsoft's keys enrolled. */
export type TestFirmware = 'bios' | 'uefi' | 'uefi-secure';

/**
 * QEMU's arguments for the firmware: OVMF's code and a fresh copy of its variable store (in
 * `dir`) as pflash drives, found through the host's firmware descriptors as libvirt finds them;
 * Secure Boot on Q35 with SMM, its flash writable only from SMM.
 */
async function firmwareArgs(firmware: TestFirmware, dir: string): Promise<string[]> {
  if (firmware === 'bios') return [];
  const found = await findUefiFirmware();
  const d = firmware === 'uefi' ? found.uefi : found.secureBoot;
  if (!d?.nvramTemplate) throw new Error(`no OVMF descriptor for ${firmware} on this host (Debian's ovmf package)`);
  const vars = join(dir, `OVMF_VARS.${firmware}.fd`);
  await copyFile(d.nvramTemplate, vars);
  return [
    ...(firmware === 'uefi-secure' ? ['-machine', 'q35,smm=on', '-global', 'driver=cfi.pflash01,property=secure,value=on'] : []),
    '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${d.executable}`,
    '-drive', `if=pflash,format=raw,unit=1,file=${vars}`,
  ];
}

/**
 * `snapshot`: writes go to a temporary overlay QEMU drops on exit (the image under test stays as it
 * is). One vCPU: this runs beside the install test's guest, and a 2-vCPU TCG guest on shared cores
 * spends its CPU waiting on its own descheduled vCPU.
 */
function machineArgs(disk: string, format: DiskFormat = 'qcow2', snapshot = false): string[] {
  return [
    '-accel', 'tcg,thread=multi', '-smp', '1', '-m', '1024', '-cpu', 'max', '-display', 'none', '-no-reboot',
    '-drive', `file=${disk},if=virtio,format=${format},cache=unsafe${snapshot ? ',snapshot=on' : ''}`,
    '-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0',
  ];
}

export interface InstallRun {
  seconds: number;
  console: string;
  log: string;
  /** True when `until` matched and the test stopped QEMU; false when QEMU exited by itself. */
  stoppedByTest: boolean;
}

/**
 * Boots the tree's kernel and `initrd` (direct kernel boot) with `append` as the command line,
 * console and installer log port to files in `dir`; resolves when QEMU exits or, with `until`,
 * once the console or the log matches it (QEMU is then killed: the installer waits after errors).
 */
export async function runInstaller(o: {
  arch: TreeArch;
  kernel: string;
  initrd: string;
  append: string;
  disk: string;
  dir: string;
  timeoutMs: number;
  until?: RegExp;
  /** Default: bios. */
  firmware?: TestFirmware;
}): Promise<InstallRun> {
  const consoleFile = join(o.dir, 'console.log');
  const logFile = join(o.dir, LOG_PORT);
  const read = async () => ({
    console: await readFile(consoleFile, 'utf8').catch(() => ''),
    log: await readFile(logFile, 'utf8').catch(() => ''),
  });
  const started = Date.now();
  const child = spawn(
    ARCHES[o.arch].qemu,
    [
      ...(await firmwareArgs(o.firmware ?? 'bios', o.dir)),
      ...machineArgs(o.disk),
      '-serial', `file:${consoleFile}`,
      '-kernel', o.kernel, '-initrd', o.initrd, '-append', o.append,
      '-device', 'virtio-serial-pci',
      '-chardev', `file,id=anacondalog,path=${logFile}`,
      '-device', `virtserialport,chardev=anacondalog,name=${LOG_PORT}`,
    ],
    { timeoutMs: o.timeoutMs },
  );
  let stoppedByTest = false;
  let exited = false;
  const watch = (async () => {
    while (o.until && !exited) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = await read();
      if (o.until.test(now.console) || o.until.test(now.log)) {
        // Still running (no exit code yet): the guest was waiting, and the test ends it.
        stoppedByTest = child.exitCode === null && child.signalCode === null;
        child.kill('SIGKILL');
        return;
      }
    }
  })();
  try {
    await child;
  } catch (error) {
    if (!stoppedByTest) throw error;
  } finally {
    exited = true;
    await watch;
  }
  return { seconds: (Date.now() - started) / 1000, ...(await read()), stoppedByTest };
}

/** One step of a serial conversation: wait for `expect` in the output, then type `send`. */
export interface Step {
  expect: string | RegExp;
  send?: string;
}

export interface BootRun {
  /** Seconds from QEMU start to the first `login:` prompt. */
  loginSeconds: number;
  output: string;
}

export interface BootOptions {
  format?: DiskFormat;
  /** Leave the disk unchanged (QEMU's snapshot=on). */
  snapshot?: boolean;
  /** Default: bios. `dir` holds the UEFI variable store's copy. */
  firmware?: TestFirmware;
  dir?: string;
}

/**
 * Boots `disk` alone (firmware → its boot loader) with the serial console on stdio and plays `steps`;
 * QEMU is stopped once the last step has matched (or has exited by itself, e.g. after poweroff).
 */
export async function bootAndTalk(arch: TreeArch, disk: string, steps: Step[], timeoutMs: number, o: BootOptions = {}): Promise<BootRun> {
  const started = Date.now();
  const fw = await firmwareArgs(o.firmware ?? 'bios', o.dir ?? dirname(disk));
  const child = spawn(ARCHES[arch].qemu, [...fw, ...machineArgs(disk, o.format, o.snapshot), '-serial', 'stdio', '-monitor', 'none'], {
    timeoutMs,
    stdin: 'pipe',
    stdout: 'pipe',
  });
  let output = '';
  let loginSeconds = 0;
  let step = 0;
  let from = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('latin1');
    if (!loginSeconds && output.includes('login:')) loginSeconds = (Date.now() - started) / 1000;
    while (step < steps.length) {
      const s = steps[step]!;
      const rest = output.slice(from);
      const m = typeof s.expect === 'string' ? rest.indexOf(s.expect) : rest.search(s.expect);
      if (m < 0) break;
      from += m + 1;
      if (s.send !== undefined) child.stdin!.write(s.send);
      step++;
    }
    if (step === steps.length) child.kill('SIGKILL');
  });
  try {
    await child;
  } catch (error) {
    if (step < steps.length) {
      throw Object.assign(new Error(`guest boot failed at step ${step} (waiting for ${String(steps[step]?.expect)}); last output:\n${output.slice(-3000)}`), { cause: error });
    }
  }
  if (step < steps.length) throw new Error(`guest stopped at step ${step} (waiting for ${String(steps[step]!.expect)}); last output:\n${output.slice(-3000)}`);
  return { loginSeconds, output };
}

export async function createDisk(path: string, size: string): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', path, size], { timeoutMs: 30_000 });
}
