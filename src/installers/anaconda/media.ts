/**
 * Install media: find the kernel and initrd of a tree (an http(s) URL or a local directory) for
 * an arch, verify them against the .treeinfo checksums, and keep remote ones in a media cache so
 * the next build reuses them. The .treeinfo itself is read fresh every time: a new nightly at the
 * same URL is a new input.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { KilnError } from '../../core/errors.js';
import type { Emit } from '../../core/events.js';
import { sha256, sha256File } from '../../core/hash.js';
import { writeJsonAtomic } from '../../core/atomic.js';
import type { BootImage, InstallMedia, InstallTree, MediaRequest } from '../driver.js';
import { fetchText, fetchToFile, type Validators } from './fetch.js';
import { FALLBACK_BOOT_IMAGES, parseTreeInfo, type TreeInfo } from './treeinfo.js';

/** Anaconda's media: the generic install media plus the tree's .treeinfo as read. */
export interface AnacondaMedia extends InstallMedia {
  treeInfo?: TreeInfo;
  /** SHA-256 of the .treeinfo text ('' when the tree has none). */
  treeInfoSha256: string;
}

function safeRelative(path: string, file: string): string {
  const n = normalize(path);
  if (isAbsolute(n) || n.startsWith('..')) {
    throw new KilnError('TREEINFO_INVALID', `boot image path '${path}' leaves the tree`, { fault: 'external', source: { file } });
  }
  return n;
}

async function readTreeInfoText(tree: InstallTree, signal?: AbortSignal): Promise<string | undefined> {
  if (tree.kind === 'url') return fetchText(`${tree.location}.treeinfo`, signal);
  try {
    await stat(tree.location);
  } catch (error) {
    throw new KilnError('TREE_NOT_FOUND', `install tree ${tree.location} does not exist`, { cause: error, usage: true });
  }
  return readFile(join(tree.location, '.treeinfo'), 'utf8').catch(() => undefined);
}

function verify(rel: string, actual: string, info: TreeInfo | undefined, where: string): boolean {
  const expected = info?.checksums.get(rel);
  if (!expected) return false;
  if (expected.algorithm !== 'sha256') return false;
  if (expected.hex !== actual) {
    throw new KilnError('MEDIA_CHECKSUM_MISMATCH', `${rel} from ${where} has sha256 ${actual}, .treeinfo says ${expected.hex}`, {
      fault: 'external',
      hint: 'The tree changed while being read, or the mirror is broken; try again or use another mirror.',
    });
  }
  return true;
}

interface CacheMeta {
  url: string;
  sha256: string;
  validators: Validators;
}

async function cachedFetch(url: string, cacheDir: string, label: string, expected: string | undefined, emit: Emit, signal?: AbortSignal): Promise<{ path: string; sha256: string }> {
  const dir = join(cacheDir, sha256(url).slice(0, 32));
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'data');
  const metaPath = join(dir, 'meta.json');
  const meta = await readFile(metaPath, 'utf8').then((t) => JSON.parse(t) as CacheMeta).catch(() => undefined);
  const present = meta && (await stat(path).then(() => true, () => false));
  if (present && expected && meta.sha256 === expected) {
    emit({ type: 'message', level: 'debug', text: `${label}: cached (${url})` });
    return { path, sha256: meta.sha256 };
  }
  const result = await fetchToFile(url, path, { validators: present ? meta.validators : undefined, emit, signal, label: `fetch ${label}` });
  if (result.notModified && meta) return { path, sha256: meta.sha256 };
  await writeJsonAtomic(metaPath, { url, sha256: result.sha256!, validators: result.validators } satisfies CacheMeta);
  return { path, sha256: result.sha256! };
}

export async function prepareMedia(options: MediaRequest): Promise<AnacondaMedia> {
  const { tree, arch } = options;
  const text = await readTreeInfoText(tree, options.signal);
  const where = tree.kind === 'url' ? tree.location : tree.location;
  const treeInfo = text === undefined ? undefined : parseTreeInfo(text, arch, `${where}${tree.kind === 'url' ? '' : '/'}.treeinfo`);
  if (!treeInfo) {
    options.emit({ type: 'message', level: 'warn', code: 'TREEINFO_MISSING', text: `${where} has no .treeinfo: using ${FALLBACK_BOOT_IMAGES.kernel} and ${FALLBACK_BOOT_IMAGES.initrd} unverified` });
  }
  const rels = {
    kernel: safeRelative(treeInfo?.kernel ?? FALLBACK_BOOT_IMAGES.kernel, '.treeinfo'),
    initrd: safeRelative(treeInfo?.initrd ?? FALLBACK_BOOT_IMAGES.initrd, '.treeinfo'),
  };
  const images = {} as Record<'kernel' | 'initrd', BootImage>;
  for (const which of ['kernel', 'initrd'] as const) {
    const rel = rels[which];
    const expected = treeInfo?.checksums.get(rel);
    let got: { path: string; sha256: string };
    if (tree.kind === 'url') {
      got = await cachedFetch(`${tree.location}${rel}`, options.cacheDir, which, expected?.algorithm === 'sha256' ? expected.hex : undefined, options.emit, options.signal);
    } else {
      const path = join(tree.location, rel);
      const digest = await sha256File(path).catch((error: unknown) => {
        throw new KilnError('TREE_INCOMPLETE', `the install tree has no ${rel}`, { cause: error, fault: 'user', source: { file: path } });
      });
      got = { path, sha256: digest };
    }
    images[which] = { path: got.path, sha256: got.sha256, verified: verify(rel, got.sha256, treeInfo, where) };
  }
  const treeInfoSha256 = text === undefined ? '' : sha256(text);
  return {
    tree,
    treeInfo,
    treeInfoSha256,
    kernel: images.kernel,
    initrd: images.initrd,
    family: treeInfo?.family,
    release: treeInfo?.version,
    identity: [
      { name: 'treeinfo', sha256: treeInfoSha256 || sha256(''), detail: tree.location },
      { name: 'kernel', sha256: images.kernel.sha256, detail: images.kernel.verified ? 'verified against .treeinfo' : 'unverified' },
      { name: 'initrd', sha256: images.initrd.sha256, detail: images.initrd.verified ? 'verified against .treeinfo' : 'unverified' },
    ],
  };
}
