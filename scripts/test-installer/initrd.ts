/**
 * The test double's boot files, split as a Fedora tree splits them:
 *
 * - the kernel (Debian's);
 * - the initrd, a small first stage (guest/stage1.sh as /init, static busybox, the virtio, network,
 *   squashfs, loop, overlay and ext4 modules, /.buildstamp) that fetches and mounts the second
 *   stage from the install tree as dracut does;
 * - the second stage, images/install.img: a squashfs holding busybox, mke2fs, sfdisk, blkid and
 *   zstd for the target architecture (with exactly the shared libraries the target's own loader
 *   says they need) and the installer scripts of guest/ (/init is the Anaconda test double itself).
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
  /** scripts/test-installer/guest: stage1.sh, init.sh, ks-parse.awk, udhcpc.script, lib/. */
  guestDir: string;
  /** Written to /etc/anaconda-test-double/version (the build's input hash). */
  version: string;
  /** The first stage's /.buildstamp (lorax's format: what dracut prints as "Loading … installer"). */
  buildstamp: string;
  log: (line: string) => void;
}

export interface BootFiles {
  vmlinuz: string;
  kernelVersion: string;
  /** The first stage (gzip newc cpio). */
  initrd: Buffer;
  /** The second stage: a squashfs file in the work directory. */
  stage2: string;
}

/**
 * The first stage also loads what it needs to mount the second: squashfs on a loop device with a
 * writable overlay. (INITRD_MODULES, in arch.ts, are those the installer itself needs.)
 */
const STAGE1_MODULES = [...INITRD_MODULES, 'loop', 'squashfs', 'overlay'];

/** Guest files: source name in guest/ → path in the first or second stage, and mode. */
const STAGE1_FILES: readonly [string, string, number][] = [
  ['stage1.sh', '/init', 0o755],
  ['udhcpc.script', '/usr/share/udhcpc/default.script', 0o755],
];
const STAGE2_FILES: readonly [string, string, number][] = [
  ['init.sh', '/init', 0o755],
  ['ks-parse.awk', '/usr/share/anaconda-test-double/ks-parse.awk', 0o644],
  ['udhcpc.script', '/usr/share/udhcpc/default.script', 0o755],
];
const LIB_DIR = '/usr/share/anaconda-test-double';
const STAGE1_DIRS = ['/bin', '/sbin', '/dev', '/proc', '/sys', '/tmp', '/run', '/sysroot', '/etc', '/usr/sbin', '/usr/bin'];
const STAGE2_DIRS = ['/dev', '/proc', '/sys', '/tmp', '/run', '/mnt/sysimage', '/root', '/var/log', '/etc', '/usr/sbin', '/usr/bin'];

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

/**
 * Unpacks the tool packages, copies the tools with their libraries into `staging` (the second
 * stage); returns the unpacked root. arch.ts still calls them INITRD_*: it is an input of the
 * payload's cache key, and renaming there would re-run debootstrap on every machine.
 */
async function addTools(b: InitrdBuild, staging: string): Promise<string> {
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
  return root;
}

async function addModules(kernelRoot: string, version: string, staging: string): Promise<void> {
  const dir = `/lib/modules/${version}`;
  // The package ships no modules.dep (its postinst runs depmod): make it, for any architecture.
  await run('depmod', ['-b', kernelRoot, version], { timeoutMs: 120_000 });
  const [dep, builtin] = await Promise.all([
    readFile(join(kernelRoot, dir, 'modules.dep'), 'utf8'),
    readFile(join(kernelRoot, dir, 'modules.builtin'), 'utf8').catch(() => ''),
  ]);
  const order = moduleLoadOrder(STAGE1_MODULES, dep, builtin);
  for (const m of order) await copyInto(kernelRoot, staging, `${dir}/${m}`, 0o644);
  const list = order.map((m) => `${dir}/${m}`).join('\n');
  await mkdir(join(staging, 'etc/anaconda-test-double'), { recursive: true });
  await writeFile(join(staging, 'etc/anaconda-test-double/modules'), `${list}\n`);
}

async function addGuestFiles(guestDir: string, staging: string, files: readonly [string, string, number][]): Promise<void> {
  for (const [source, path, mode] of files) {
    await mkdir(dirname(join(staging, path)), { recursive: true });
    await copyFile(join(guestDir, source), join(staging, path));
    await chmod(join(staging, path), mode);
  }
}

/** The first stage: /init is stage1.sh; /dev/console exists before it runs (the kernel opens it for init's stdio). */
async function buildStage1(b: InitrdBuild, kernel: { root: string; version: string }, tools: string): Promise<Buffer> {
  const staging = join(b.work, 'stage1-root');
  for (const d of STAGE1_DIRS) await mkdir(join(staging, d), { recursive: true });
  await copyInto(tools, staging, '/bin/busybox', 0o755);
  await symlink('busybox', join(staging, 'bin/sh'));
  await addModules(kernel.root, kernel.version, staging);
  await addGuestFiles(b.guestDir, staging, STAGE1_FILES);
  await writeFile(join(staging, '.buildstamp'), b.buildstamp);
  const entries: CpioEntry[] = [...(await cpioEntriesFromDir(staging))];
  const devIndex = entries.findIndex((e) => e.path === 'dev');
  entries.splice(devIndex + 1, 0, { type: 'char-device', path: 'dev/console', mode: 0o600, major: 5, minor: 1 });
  return gzipCpio(entries);
}

/** The second stage: the installer and its tools, as a squashfs (mksquashfs, all files root's, time 0). */
async function buildStage2(b: InitrdBuild, staging: string): Promise<string> {
  for (const d of STAGE2_DIRS) await mkdir(join(staging, d), { recursive: true });
  const libs = (await readdir(join(b.guestDir, 'lib'))).map((f): [string, string, number] => [`lib/${f}`, `${LIB_DIR}/${f}`, 0o644]);
  await addGuestFiles(b.guestDir, staging, [...STAGE2_FILES, ...libs]);
  await mkdir(join(staging, 'etc/anaconda-test-double'), { recursive: true });
  await writeFile(join(staging, 'etc/anaconda-test-double/version'), `${b.version}\n`);
  // /init's interpreter; /init itself links the other busybox applets (busybox --install -s).
  await symlink('busybox', join(staging, 'bin/sh'));
  const image = join(b.work, 'install.img');
  await run('mksquashfs', [staging, image, '-comp', 'xz', '-noappend', '-all-root', '-mkfs-time', '0', '-all-time', '0', '-no-progress', '-quiet'], {
    timeoutMs: 10 * 60_000,
  });
  return image;
}

export async function buildBootFiles(b: InitrdBuild): Promise<BootFiles> {
  const stage2Root = join(b.work, 'stage2-root');
  b.log('stage2: tools and libraries');
  const tools = await addTools(b, stage2Root);
  b.log('initrd: kernel and modules');
  const kernel = await fetchKernel(b);
  const initrd = await buildStage1(b, kernel, tools);
  b.log('stage2: squashfs');
  const stage2 = await buildStage2(b, stage2Root);
  return { vmlinuz: join(kernel.root, 'boot', `vmlinuz-${kernel.version}`), kernelVersion: kernel.version, initrd, stage2 };
}
