/**
 * Builds (or reuses) the Anaconda test double's install tree for one architecture:
 *
 *   <cache>/test-installer/<arch>/tree-<key>/
 *     .treeinfo
 *     images/pxeboot/vmlinuz, images/pxeboot/initrd.img (the first stage)
 *     images/install.img (the second stage: the installer)
 *     payload/rootfs.tar.zst, payload/rootfs.tar.zst.sha256
 *
 * The key hashes the builder's inputs (its sources, guest scripts, payload files and package
 * lists: TREE_INPUTS), so an unchanged builder reuses the tree in a moment and a changed one rebuilds it. The
 * payload (the slow part) has its own key and directory and is hard-linked into trees, so editing
 * the guest scripts does not re-run debootstrap. Everything is built in a scratch directory next
 * to the cache and renamed into place at the end: an interrupted build leaves nothing half-made.
 */
import { randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { KilnError } from '../../src/core/errors.js';
import { sha256, sha256File } from '../../src/core/hash.js';
import { cacheDir } from '../../src/core/paths.js';
import { run } from '../../src/core/run.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { linkOrCopy } from '../../src/image/link-or-copy.js';
import { archInfo, PAYLOAD_PACKAGES, PAYLOAD_SUITE, type ArchInfo } from './arch.js';
import { buildBootFiles } from './initrd.js';
import { PAYLOAD_FILE, buildPayload } from './payload.js';
import { renderBuildstamp, renderTreeinfo } from './treeinfo.js';

export const KERNEL_PATH = 'images/pxeboot/vmlinuz';
export const INITRD_PATH = 'images/pxeboot/initrd.img';
export const STAGE2_PATH = 'images/install.img';
export { PAYLOAD_FILE };

export interface TestInstallerTree {
  /** The tree's directory (serve it over HTTP, or hand it to kiln as a local tree). */
  dir: string;
  arch: string;
  kernel: string;
  initrd: string;
  stage2: string;
  payload: string;
  /** sha256 hex of the payload (for `liveimg --checksum=`). */
  payloadSha256: string;
  /** True when the cache already held this tree. */
  reused: boolean;
}

export interface BuildOptions {
  arch: string;
  /** kiln's cache dir (default cacheDir()); the tree goes under <cache>/test-installer/<arch>. */
  cache?: string;
  log?: (line: string) => void;
}

const SOURCE_DIR = join(PROJECT_ROOT, 'scripts/test-installer');

/** What the tree is made from (beside the Debian archive): the builder, not its CLI or docs. */
const TREE_INPUTS = ['arch.ts', 'debs.ts', 'initrd.ts', 'modules.ts', 'cpio-tree.ts', 'payload.ts', 'tree.ts', 'treeinfo.ts', 'guest', 'payload-files'];
/** The payload's: its builder and files, and its arch's data (not the rest of arch.ts: see payloadKey). */
const PAYLOAD_INPUTS = ['payload.ts', 'payload-files'];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out.sort();
}

async function inputFiles(names: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const name of names) {
    const full = join(SOURCE_DIR, name);
    files.push(...(name.endsWith('.ts') ? [full] : await filesUnder(full)));
  }
  return files;
}

/** sha256 over (relative path, content) of each input file. */
async function hashInputs(files: string[]): Promise<string> {
  const parts: string[] = [];
  for (const f of files) parts.push(`${relative(PROJECT_ROOT, f)}\0${sha256(await readFile(f))}`);
  return sha256(parts.join('\n'));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Removes a scratch dir without ever following a mount left inside it (debootstrap's /proc). */
async function removeScratch(dir: string): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '');
  for (const m of mounts.filter((m) => m.startsWith(`${dir}/`)).sort().reverse()) {
    await run('umount', ['-l', m], { timeoutMs: 30_000 }).catch(() => undefined);
  }
  await run('rm', ['-rf', '--one-file-system', dir], { timeoutMs: 10 * 60_000 });
}

/** Renames `scratch` to `final` unless another build got there first; returns whether it did. */
async function publish(scratch: string, final: string): Promise<void> {
  try {
    await rename(scratch, final);
  } catch (error) {
    if (!(await exists(join(final, '.complete')))) throw error;
    await removeScratch(scratch);
  }
}

/**
 * The payload's key: its builder, its files and what it is made of for this arch (suite, dpkg
 * architecture, package list), so an edit to the installer's tools in arch.ts, or to the other
 * arch's packages, does not re-run debootstrap.
 */
async function payloadKey(a: ArchInfo): Promise<string> {
  const made = JSON.stringify({ suite: PAYLOAD_SUITE, debian: a.debian, packages: PAYLOAD_PACKAGES(a) });
  return sha256(`${await hashInputs(await inputFiles(PAYLOAD_INPUTS))}\n${made}`).slice(0, 16);
}

async function ensurePayload(a: ArchInfo, archDir: string, log: (l: string) => void): Promise<string> {
  const key = await payloadKey(a);
  const dir = join(archDir, `payload-${key}`);
  if (await exists(join(dir, '.complete'))) return dir;
  const scratch = join(archDir, `.payload-${key}-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    const out = join(scratch, 'out');
    await buildPayload({ a, work: scratch, filesDir: join(SOURCE_DIR, 'payload-files'), log }, out);
    await writeFile(join(out, '.complete'), `${new Date().toISOString()}\n`);
    await publish(out, dir);
  } finally {
    await removeScratch(scratch);
  }
  return dir;
}

function describe(dir: string, arch: string, payloadSha256: string, reused: boolean): TestInstallerTree {
  return { dir, arch, kernel: join(dir, KERNEL_PATH), initrd: join(dir, INITRD_PATH), stage2: join(dir, STAGE2_PATH), payload: join(dir, PAYLOAD_FILE), payloadSha256, reused };
}

async function payloadSum(dir: string): Promise<string> {
  return (await readFile(join(dir, `${PAYLOAD_FILE}.sha256`), 'utf8')).split(/\s/)[0]!;
}

/** Prunes trees and payloads of `archDir` other than the ones in use (older builder versions). */
async function prune(archDir: string, keep: string[]): Promise<void> {
  for (const name of await readdir(archDir)) {
    if (/^(tree|payload)-/.test(name) && !keep.includes(name)) await removeScratch(join(archDir, name));
  }
}

export async function buildTestInstallerTree(options: BuildOptions): Promise<TestInstallerTree> {
  const a = archInfo(options.arch);
  const log = options.log ?? (() => {});
  if (process.getuid?.() !== 0) {
    throw new KilnError('TEST_INSTALLER_ROOT', 'building the Anaconda test double tree needs root (debootstrap, chroot)', {
      fault: 'user',
      hint: 'Run it as root, as scripts/setup.sh does.',
    });
  }
  const root = join(options.cache ?? cacheDir(), 'test-installer');
  const archDir = join(root, a.arch);
  await mkdir(archDir, { recursive: true });
  const key = (await hashInputs([...(await inputFiles(TREE_INPUTS)), join(PROJECT_ROOT, 'src/installers/anaconda/cpio-newc.ts')])).slice(0, 16);
  const dir = join(archDir, `tree-${key}`);
  if (await exists(join(dir, '.complete'))) return describe(dir, a.arch, await payloadSum(dir), true);

  log(`building the Anaconda test double tree for ${a.arch} (key ${key})`);
  const payloadDir = await ensurePayload(a, archDir, log);
  const scratch = join(archDir, `.tree-${key}-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    const out = join(scratch, 'tree');
    const timestamp = Math.floor(Date.now() / 1000);
    const buildstamp = renderBuildstamp(a.treeArch, timestamp, key);
    const built = await buildBootFiles({ a, work: scratch, debsDir: join(root, 'debs', a.debian), guestDir: join(SOURCE_DIR, 'guest'), version: key, buildstamp, log });
    await mkdir(join(out, 'images/pxeboot'), { recursive: true });
    await mkdir(join(out, 'payload'), { recursive: true });
    await copyFile(built.vmlinuz, join(out, KERNEL_PATH));
    await writeFile(join(out, INITRD_PATH), built.initrd);
    await copyFile(built.stage2, join(out, STAGE2_PATH));
    await linkOrCopy(join(payloadDir, basename(PAYLOAD_FILE)), join(out, PAYLOAD_FILE));
    await linkOrCopy(join(payloadDir, `${basename(PAYLOAD_FILE)}.sha256`), join(out, `${PAYLOAD_FILE}.sha256`));
    const checksums: Record<string, string> = {};
    for (const f of [KERNEL_PATH, INITRD_PATH, STAGE2_PATH]) checksums[f] = await sha256File(join(out, f));
    checksums[PAYLOAD_FILE] = await payloadSum(out);
    const treeinfo = renderTreeinfo({ arch: a.treeArch, timestamp, checksums, kernel: KERNEL_PATH, initrd: INITRD_PATH, stage2: STAGE2_PATH });
    await writeFile(join(out, '.treeinfo'), treeinfo);
    await writeFile(join(out, '.complete'), `${new Date().toISOString()}\n`);
    await publish(out, dir);
  } finally {
    await removeScratch(scratch);
  }
  await prune(archDir, [`tree-${key}`, payloadDir.slice(archDir.length + 1)]);
  log(`tree ready: ${dir}`);
  return describe(dir, a.arch, await payloadSum(dir), false);
}
