/**
 * Cloud prep, VM-isolated: ONE virt-sysprep run per prepared overlay (each libguestfs launch costs
 * ~25 s under TCG). virt-sysprep's own, well-kept operations clear machine-id, SSH host keys,
 * persistent net rules, DHCP leases, logs and more; its customize step runs kiln's guest script
 * (datasources, sshd, grub) and locks root. virt-sysprep cannot copy files out, so the script
 * writes its findings to a small raw "report disk" attached as a second drive, which kiln reads
 * as plain bytes afterwards (nothing is ever mounted on the host).
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import type { Emit } from '../../core/events.js';
import { renderPrepScript, REPORT_MARKER } from './script.js';
import { parseReport, type PrepReport } from './report.js';
import type { PrepSpec } from './spec.js';
import { ensureLibguestfsCache, libguestfsEnv, type Accel } from './libguestfs-env.js';
import { sysprepOperations } from './sysprep-operations.js';

const REPORT_DISK_BYTES = 4 * 1024 * 1024;
const PREP_TIMEOUT_MS = 45 * 60_000;

export interface PrepRunOptions {
  overlay: string;
  spec: PrepSpec;
  /** Where the script and the report disk are written. */
  workDir: string;
  accel: Accel;
  emit: Emit;
  signal?: AbortSignal;
}

/** The virt-sysprep argv (exported for tests). */
export function sysprepArgs(o: { overlay: string; reportDisk: string; script: string; operations: string[]; lockRoot: boolean }): string[] {
  const args = ['--format', 'qcow2', '-a', o.overlay, '--format', 'raw', '-a', o.reportDisk];
  args.push('--operations', o.operations.join(','), '--run', o.script, '--no-logfile');
  if (o.lockRoot) args.push('--root-password', 'locked:disabled');
  return args;
}

export async function runPrep(o: PrepRunOptions): Promise<PrepReport> {
  const script = join(o.workDir, `prep-${o.spec.label}.sh`);
  const reportDisk = join(o.workDir, `prep-${o.spec.label}.report.raw`);
  await writeFile(script, renderPrepScript(o.spec), { mode: 0o755 });
  const fh = await open(reportDisk, 'w');
  try {
    await fh.truncate(REPORT_DISK_BYTES);
    await fh.write(Buffer.from(REPORT_MARKER), 0, REPORT_MARKER.length, 0);
  } finally {
    await fh.close();
  }
  const operations = await sysprepOperations(o.signal);
  const tmpDir = join(o.workDir, 'guestfs-tmp');
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  await ensureLibguestfsCache();
  const args = sysprepArgs({ overlay: o.overlay, reportDisk, script, operations, lockRoot: o.spec.lockRoot });
  const { stdout } = await run('virt-sysprep', args, {
    timeoutMs: PREP_TIMEOUT_MS,
    signal: o.signal,
    env: libguestfsEnv(o.accel, { tmpDir }),
    hint: 'libguestfs could not prepare the image; LIBGUESTFS_DEBUG=1 LIBGUESTFS_TRACE=1 show why.',
  });
  for (const line of stdout.split('\n')) if (line.trim()) o.emit({ type: 'message', level: 'debug', text: `virt-sysprep: ${line.trim()}` });
  const buf = Buffer.alloc(REPORT_DISK_BYTES);
  const rh = await open(reportDisk, 'r');
  try {
    await rh.read(buf, 0, buf.length, 0);
  } finally {
    await rh.close();
  }
  const nul = buf.indexOf(0);
  return parseReport(buf.subarray(0, nul < 0 ? buf.length : nul).toString('utf8'));
}
