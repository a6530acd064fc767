/**
 * Host checks for `kiln doctor`: every tool and service a build needs, each with what was found.
 * Lives in the pipeline because it reaches the hypervisor layer (only the pipeline may).
 */
import { access, constants, mkdir } from 'node:fs/promises';
import { openHypervisor } from '../../hypervisor/index.js';
import { runUnchecked } from '../core/run.js';
import { findOnPath, HOST_TOOLS, versionArgs, type HostTool } from '../core/tools.js';
import { hypervisorRunner } from './accel.js';
import { findUefiFirmware, probeAccelerator } from '../../hypervisor/index.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
}

async function version(file: string, args: string[], name: string, hint: string): Promise<Check> {
  try {
    const r = await runUnchecked(file, args, { timeoutMs: 15_000 });
    const line = (r.stdout || r.stderr).split('\n').find((l) => l.trim() !== '') ?? '';
    return r.exitCode === 0 ? { name, status: 'ok', detail: line.trim() } : { name, status: 'fail', detail: `${file} exited ${r.exitCode}`, hint };
  } catch {
    return { name, status: 'fail', detail: `${file} not found`, hint };
  }
}

const SETUP = 'Run scripts/setup.sh (or scripts/setup-host.sh) as root.';

export async function runChecks(options: { connect?: string; storeDir: string }): Promise<Check[]> {
  const checks: Check[] = [];
  const [major, minor] = process.versions.node.split('.').map(Number);
  checks.push({
    name: 'node',
    status: major! > 20 || (major === 20 && minor! >= 19) ? 'ok' : 'fail',
    detail: `v${process.versions.node}`,
    hint: 'kiln needs Node.js 20.19 or newer.',
  });
  // Exactly the tools kiln's commands run (core/tools.ts), each with its Debian package.
  for (const [tool, info] of Object.entries(HOST_TOOLS) as [HostTool, (typeof HOST_TOOLS)[HostTool]][]) {
    const hint = `${SETUP} (${info.pkg}: ${info.use})`;
    const args = versionArgs(tool);
    if (args) checks.push(await version(tool, [...args], tool, hint));
    else {
      const path = await findOnPath(tool);
      checks.push(path ? { name: tool, status: 'ok', detail: path } : { name: tool, status: 'fail', detail: `${tool} not found`, hint });
    }
  }

  const probe = await probeAccelerator(hypervisorRunner).catch((error: unknown) => error as Error);
  if (probe instanceof Error) {
    checks.push({ name: 'accelerator', status: 'fail', detail: probe.message, hint: SETUP });
  } else {
    checks.push({ name: 'kvm', status: probe.kvm.ok ? 'ok' : 'warn', detail: probe.kvm.detail, hint: probe.kvm.ok ? undefined : 'Guests will run under TCG (slower). Nested or missing virtualization?' });
    checks.push({ name: 'tcg', status: probe.tcg.ok ? 'ok' : 'fail', detail: probe.tcg.detail, hint: probe.tcg.ok ? undefined : SETUP });
    checks.push({ name: 'accelerator', status: 'ok', detail: probe.reason });
  }

  // UEFI guests: what libvirt's firmware auto-selection can pick.
  const uefi = await findUefiFirmware();
  const ovmfHint = `${SETUP} (ovmf: only UEFI installs and boot tests need it)`;
  checks.push(uefi.uefi
    ? { name: 'uefi firmware', status: 'ok', detail: `${uefi.uefi.executable} (${uefi.uefi.file})` }
    : { name: 'uefi firmware', status: 'warn', detail: 'no OVMF descriptor for x86_64 on i440FX', hint: ovmfHint });
  checks.push(uefi.secureBoot
    ? { name: 'uefi secure boot', status: 'ok', detail: `${uefi.secureBoot.executable}, keys enrolled (${uefi.secureBoot.file})` }
    : { name: 'uefi secure boot', status: 'warn', detail: "no OVMF descriptor with Secure Boot and enrolled keys for x86_64 on Q35", hint: ovmfHint });

  try {
    const hv = await openHypervisor({ uri: options.connect });
    try {
      const domains = await hv.listDomains();
      checks.push({ name: 'libvirt', status: 'ok', detail: `${hv.uri} answers (${domains.length} domain${domains.length === 1 ? '' : 's'})` });
    } finally {
      await hv.close();
    }
  } catch (error) {
    checks.push({ name: 'libvirt', status: 'fail', detail: (error as Error).message, hint: `${SETUP} It starts libvirtd; --connect picks another URI.` });
  }

  try {
    await mkdir(options.storeDir, { recursive: true });
    await access(options.storeDir, constants.W_OK);
    checks.push({ name: 'store', status: 'ok', detail: `${options.storeDir} is writable` });
  } catch (error) {
    checks.push({ name: 'store', status: 'fail', detail: `${options.storeDir}: ${(error as Error).message}`, hint: 'Give a writable directory with --store.' });
  }
  return checks;
}
