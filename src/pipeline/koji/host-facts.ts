/**
 * The buildroot's host as Koji records it: OS (`<ID>-<VERSION_ID>` from os-release), machine
 * arch, and the versions of the tools an image build goes through (QEMU, libvirt, libguestfs,
 * xz), each asked of the tool itself. A tool that is not installed here is left out with a warning.
 */
import { readFile } from 'node:fs/promises';
import { machine } from 'node:os';
import { warn, type Emit } from '../../core/events.js';
import { runUnchecked } from '../../core/run.js';

export interface HostFacts {
  os: string;
  arch: string;
  tools: { name: string; version: string }[];
}

/** tool name → the command that prints its version, and the first version-looking word. */
const TOOLS: { name: string; argv: [string, ...string[]] }[] = [
  { name: 'qemu', argv: ['qemu-system-x86_64', '--version'] },
  { name: 'libvirt', argv: ['virsh', '--version'] },
  { name: 'libguestfs', argv: ['guestfish', '--version'] },
  { name: 'xz', argv: ['xz', '--version'] },
];

export function parseOsRelease(text: string): string {
  const field = (k: string) => new RegExp(`^${k}=("?)([^"\\n]*)\\1$`, 'm').exec(text)?.[2];
  const id = field('ID') ?? 'linux';
  const version = field('VERSION_ID');
  return version ? `${id}-${version}` : id;
}

export const firstVersion = (text: string): string | undefined => /\b(\d+(?:\.\d+)+)\b/.exec(text)?.[1];

export async function hostFacts(emit: Emit, signal?: AbortSignal): Promise<HostFacts> {
  const os = parseOsRelease(await readFile('/etc/os-release', 'utf8').catch(() => ''));
  const tools: HostFacts['tools'] = [];
  for (const t of TOOLS) {
    const r = await runUnchecked(t.argv[0], t.argv.slice(1), { timeoutMs: 30_000, signal }).catch(() => undefined);
    const version = r && r.exitCode === 0 ? firstVersion(`${r.stdout}\n${r.stderr}`) : undefined;
    if (version) tools.push({ name: t.name, version });
    else warn(emit, `cannot tell the version of ${t.name} (${t.argv[0]}) on this host; it is left out of the Koji buildroot`);
  }
  return { os, arch: machine(), tools };
}
