/**
 * The test double's kernel and initrd: a Debian kernel, and an initrd holding busybox, mke2fs,
 * sfdisk, blkid and zstd for the target architecture (with exactly the shared libraries the
 * target's own loader says they need), the virtio/ext4 modules and the guest-side scripts in
 * guest/ (/init is the Anaconda test double itself).
 */
import { chmod, copyFile, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KilnError } from '../../src/core/errors.js';
import { run } from '../../src/core/run.js';
import { gzipCpio, type CpioEntry } from '../../src/installers/anaconda/cpio-newc.js';
import { INITRD_BINARIES, INITRD_DATA_FILES, INITRD_MODULES, INITRD_PACKAGES, type ArchInfo } from './arch.js';
import { cpioEntriesFromDir } from './cpio-tree.js';
import { downloadDebs, resolveClosure, unpackDebs } from './debs.js';
import { moduleLoadOrder } from './modules.js';

export interface InitrdBuild {
  a: ArchInfo;
  /** Scratch space (removed by the caller). */
  work: string;
  /** Where downloaded .debs are kept between builds. */
  debsDir: string;
  /** scripts/test-installer/guest: init.sh, ks-parse.awk, udhcpc.script. */
  guestDir: string;
  /** Written to /etc/anaconda-test-double/version (the build's input hash). */
  version: string;
  log: (line: string) => void;
}

export interface KernelAndInitrd {
  vmlinuz: string;
  kernelVersion: string;
  initrd: Buffer;
}

/** Guest files: source name in guest/ → path in the initrd and mode (and guest/lib/* → LIB_DIR). */
const GUEST_FILES: readonly [string, string, number][] = [
  ['init.sh', '/init', 0o755],
  ['ks-parse.awk', '/usr/share/anaconda-test-double/ks-parse.awk', 0o644],
  ['udhcpc.script', '/usr/share/udhcpc/default.script', 0o755],
];
const LIB_DIR = '/usr/share/anaconda-test-double';
const EMPTY_DIRS = ['/dev', '/proc', '/sys', '/tmp', '/run', '/mnt/sysimage', '/root', '/var/log', '/usr/sbin', '/usr/bin'];

/** `ld.so --list` output → absolute paths of the libraries (and the loader itself). */
export function parseLoaderList(output: string, binary: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    if (line.includes('not found')) throw new KilnError('TEST_INSTALLER_LIBRARY', `${binary}: ${line}`);
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^(\/\S+)\s+\(/.exec(line);
    if (m) paths.push(m[1]!);
  }
  return paths;
}

async function copyInto(fromRoot: string, toRoot: string, path: string, mode?: number): Promise<void> {
  await mkdir(dirname(join(toRoot, path)), { recursive: true });
  await copyFile(join(fromRoot, path), join(toRoot, path)); // follows symlinks: the library itself
  if (mode !== undefined) await chmod(join(toRoot, path), mode);
}

async function fetchKernel(b: InitrdBuild): Promise<{ root: string; version: string }> {
  const image = (await resolveClosure(b.a, [b.a.kernelPackage])).find((d) => /^linux-image-\d/.test(d.name));
  if (!image) throw new KilnError('TEST_INSTALLER_PACKAGE', `${b.a.kernelPackage} does not depend on a linux-image-<version> package`);
  const root = join(b.work, 'kernel');
  await unpackDebs(await downloadDebs([image], b.debsDir, b.log), root);
  const versions = await readdir(join(root, 'lib/modules'));
  if (versions.length !== 1) throw new KilnError('TEST_INSTALLER_PACKAGE', `${image.name} holds ${versions.length} module trees`);
  return { root, version: versions[0]! };
}

async function addTools(b: InitrdBuild, staging: string): Promise<void> {
  // The whole closure is unpacked (a few MB); the loader decides which libraries are copied.
  const closure = await resolveClosure(b.a, INITRD_PACKAGES);
  const root = join(b.work, 'debs');
  await unpackDebs(await downloadDebs(closure, b.debsDir, b.log), root);
  const libraries = new Set<string>();
  for (const bin of INITRD_BINARIES) {
    await copyInto(root, staging, bin.path, 0o755);
    if (bin.static) continue;
    // The target's own loader, run in a chroot of the unpacked packages, resolves the libraries.
    const { stdout } = await run('chroot', [root, b.a.loader, '--list', bin.path], { timeoutMs: 30_000 });
    for (const lib of parseLoaderList(stdout, bin.path)) libraries.add(lib);
  }
  for (const lib of [...libraries].sort()) await copyInto(root, staging, lib, 0o755);
  for (const file of INITRD_DATA_FILES) await copyInto(root, staging, file, 0o644);
}

async function addModules(kernelRoot: string, version: string, staging: string): Promise<void> {
  const dir = `/lib/modules/${version}`;
  // The package ships no modules.dep (its postinst runs depmod): make it, for any architecture.
  await run('depmod', ['-b', kernelRoot, version], { timeoutMs: 120_000 });
  const [dep, builtin] = await Promise.all([
    readFile(join(kernelRoot, dir, 'modules.dep'), 'utf8'),
    readFile(join(kernelRoot, dir, 'modules.builtin'), 'utf8').catch(() => ''),
  ]);
  const order = moduleLoadOrder(INITRD_MODULES, dep, builtin);
  for (const m of order) await copyInto(kernelRoot, staging, `${dir}/${m}`, 0o644);
  const list = order.map((m) => `${dir}/${m}`).join('\n');
  await mkdir(join(staging, 'etc/anaconda-test-double'), { recursive: true });
  await writeFile(join(staging, 'etc/anaconda-test-double/modules'), `${list}\n`);
}

export async function buildKernelAndInitrd(b: InitrdBuild): Promise<KernelAndInitrd> {
  const staging = join(b.work, 'initrd-root');
  for (const d of EMPTY_DIRS) await mkdir(join(staging, d), { recursive: true });
  b.log('initrd: tools and libraries');
  await addTools(b, staging);
  b.log('initrd: kernel and modules');
  const kernel = await fetchKernel(b);
  await addModules(kernel.root, kernel.version, staging);
  const libs = (await readdir(join(b.guestDir, 'lib'))).map((f): [string, string, number] => [`lib/${f}`, `${LIB_DIR}/${f}`, 0o644]);
  for (const [source, path, mode] of [...GUEST_FILES, ...libs]) {
    await mkdir(dirname(join(staging, path)), { recursive: true });
    await copyFile(join(b.guestDir, source), join(staging, path));
    await chmod(join(staging, path), mode);
  }
  await writeFile(join(staging, 'etc/anaconda-test-double/version'), `${b.version}\n`);
  // /init's interpreter; /init itself links the other busybox applets (busybox --install -s).
  await symlink('busybox', join(staging, 'bin/sh'));
  // /dev/console must exist before /init runs (the kernel opens it for init's stdio).
  const entries: CpioEntry[] = [...(await cpioEntriesFromDir(staging))];
  const devIndex = entries.findIndex((e) => e.path === 'dev');
  entries.splice(devIndex + 1, 0, { type: 'char-device', path: 'dev/console', mode: 0o600, major: 5, minor: 1 });
  return { vmlinuz: join(kernel.root, 'boot', `vmlinuz-${kernel.version}`), kernelVersion: kernel.version, initrd: await gzipCpio(entries) };
}
