/**
 * The host tools kiln's commands run, each with the Debian package that provides it, and the
 * check made before a command starts its work: a missing tool fails in milliseconds, naming every
 * tool missing and its package, instead of after minutes of work. `kiln doctor` checks the same
 * table, so it checks exactly what the commands use.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { KilnError } from './errors.js';

export const HOST_TOOLS = {
  'qemu-img': { pkg: 'qemu-utils', use: 'install disks, overlays, conversions' },
  'qemu-system-x86_64': { pkg: 'qemu-system-x86', use: 'x86_64 guests' },
  'qemu-system-i386': { pkg: 'qemu-system-x86', use: 'i686 guests' },
  xz: { pkg: 'xz-utils', use: 'raw-xz, raw-tar-xz and raw appliance bundles' },
  tar: { pkg: 'tar', use: 'raw-tar-xz and appliance bundles' },
  cp: { pkg: 'coreutils', use: 'sparse copies of outputs' },
  'virt-sysprep': { pkg: 'libguestfs-tools', use: 'cloud prep of targets' },
  xmllint: { pkg: 'libxml2-utils', use: 'appliance descriptor validation' },
  sfdisk: { pkg: 'fdisk', use: 'reading a disk’s partition table (which firmwares boot it)' },
  mdir: { pkg: 'mtools', use: 'listing an EFI system partition (which firmwares boot a disk)', version: ['-V'] },
  mcopy: { pkg: 'mtools', use: 'reading an EFI system partition’s boot loader', version: ['-V'] },
  sbverify: { pkg: 'sbsigntool', use: 'whether a disk’s UEFI boot loader is signed for Secure Boot' },
  genisoimage: { pkg: 'genisoimage', use: 'NoCloud seeds for boot tests' },
  gpg: { pkg: 'gnupg', use: 'clear-signing drop CHECKSUM files (--sign-key)' },
  gpgv: { pkg: 'gpgv', use: 'verifying signed CHECKSUM files' },
  'ssh-keygen': { pkg: 'openssh-client', use: 'boot tests: a key pair per test', version: null },
  ssh: { pkg: 'openssh-client', use: 'boot tests: logging in to the guest', version: ['-V'] },
} as const satisfies Record<string, { pkg: string; use: string; version?: readonly string[] | null }>;

/** How `kiln doctor` asks a tool for its version (null: the tool has no such option; found is enough). */
export function versionArgs(tool: HostTool): readonly string[] | null {
  const info = HOST_TOOLS[tool];
  return 'version' in info ? info.version : ['--version'];
}

export type HostTool = keyof typeof HOST_TOOLS;

/** The absolute path of `name` on $PATH, or undefined. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Throws TOOLS_MISSING listing every missing tool (and its package) for `what`. */
export async function requireTools(tools: readonly HostTool[], what: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const unique = [...new Set(tools)];
  const found = await Promise.all(unique.map((t) => findOnPath(t, env)));
  const missing = unique.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((t) => HOST_TOOLS[t].pkg))];
  throw new KilnError('TOOLS_MISSING', `${what} needs ${missing.join(', ')}, not found on PATH`, {
    fault: 'user',
    details: missing.map((t) => `${t}: ${HOST_TOOLS[t].use} (Debian package ${HOST_TOOLS[t].pkg})`),
    hint: `Run scripts/setup.sh, or install: apt-get install ${pkgs.join(' ')}.`,
  });
}
