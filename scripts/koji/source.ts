/**
 * Koji's source, pinned (kiln's tests run a real hub and kojid from it; Debian has no koji
 * package). Found, in this order: $KILN_KOJI_TARBALL; ../shared/koji/ beside this repository;
 * ../shared/koji/ beside the repository `git remote get-url origin` points at (a clean clone of a
 * local checkout); kiln's cache (<cache>/koji/, filled the first time it is found); else made
 * from Koji's upstream git at the pinned commit with `git archive`, which gives exactly the
 * pinned tarball. Every candidate is checked against the pinned SHA-256.
 *
 *   node dist/scripts/koji/source.js      # prints the verified tarball's path
 */
import { copyFile, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { KilnError } from '../../src/core/errors.js';
import { sha256File } from '../../src/core/hash.js';
import { cacheDir } from '../../src/core/paths.js';
import { run, runUnchecked } from '../../src/core/run.js';
import { PROJECT_ROOT } from '../../src/core/version.js';

export const KOJI_PIN = {
  version: '1.35.3',
  commit: '2083513aab6ed193215efebb21823d905e02f339',
  /** `git archive --format=tar.gz --prefix=<prefix>/ <commit>` of Koji's repository. */
  prefix: 'koji-1.35.3-2083513',
  tarball: 'koji-1.35.3-2083513.tar.gz',
  sha256: '11f240a158921b46c3daae48a5e7eaed89552f74868ecff7933bfbe1b1661d8e',
  git: ['https://pagure.io/koji.git', 'https://github.com/koji-project/koji.git'],
} as const;

type Log = (line: string) => void;

const exists = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/** ../shared/koji/<tarball> beside the repository `origin` names, when origin is a local path. */
async function originShared(root: string): Promise<string | undefined> {
  const r = await runUnchecked('git', ['-C', root, 'remote', 'get-url', 'origin'], { timeoutMs: 10_000 }).catch(() => undefined);
  const url = r?.exitCode === 0 ? r.stdout.trim() : '';
  if (!url || (/^[a-z+]+:\/\//i.test(url) && !url.startsWith('file://')) || /^[^/]+@[^:]+:/.test(url)) return undefined;
  let path = resolve(root, url.replace(/^file:\/\//, ''));
  if (basename(path) === '.git') path = dirname(path);
  return join(path, '..', 'shared', 'koji', KOJI_PIN.tarball);
}

/** The pinned tarball made from Koji's git: fetch the commit, archive it. */
async function fromUpstream(log: Log, urls: readonly string[]): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'kiln-koji-git-'));
  try {
    await run('git', ['init', '-q', '--bare', work], { timeoutMs: 30_000 });
    for (const url of urls) {
      log(`fetching Koji ${KOJI_PIN.commit.slice(0, 7)} from ${url}`);
      const r = await runUnchecked('git', ['-C', work, 'fetch', '-q', '--depth', '1', url, KOJI_PIN.commit], { timeoutMs: 600_000 });
      if (r.exitCode !== 0) continue;
      const out = join(tmpdir(), `${KOJI_PIN.tarball}.${process.pid}`);
      await run('git', ['-C', work, 'archive', '--format=tar.gz', `--prefix=${KOJI_PIN.prefix}/`, '-o', out, KOJI_PIN.commit], { timeoutMs: 120_000 });
      return out;
    }
    throw new KilnError('KOJI_SOURCE_UNAVAILABLE', `cannot fetch Koji ${KOJI_PIN.commit} from ${urls.join(' or ')}`, { fault: 'external' });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface KojiSourceOptions {
  env?: NodeJS.ProcessEnv;
  log?: Log;
  /** The repository whose ../shared/ is looked at (default: this one). */
  root?: string;
}

/** The verified tarball's path (in kiln's cache once it has been found anywhere). */
export async function kojiTarball(o: KojiSourceOptions = {}): Promise<string> {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => {});
  const root = o.root ?? PROJECT_ROOT;
  const cached = join(cacheDir(env), 'koji', KOJI_PIN.tarball);
  const candidates: [string, string | undefined][] = [
    ['$KILN_KOJI_TARBALL', env.KILN_KOJI_TARBALL],
    ['../shared/koji beside the repository', join(root, '..', 'shared', 'koji', KOJI_PIN.tarball)],
    ["../shared/koji beside origin's repository", await originShared(root)],
    ["kiln's cache", cached],
  ];
  const refused: string[] = [];
  let found: string | undefined;
  for (const [what, path] of candidates) {
    if (!path || !(await exists(path))) continue;
    const sum = await sha256File(path);
    if (sum === KOJI_PIN.sha256) {
      log(`Koji source: ${path} (${what})`);
      found = path;
      break;
    }
    refused.push(`${path} (${what}): sha256 ${sum}`);
  }
  let made = false;
  if (!found) {
    made = true;
    const urls = env.KILN_KOJI_GIT_URL ? [env.KILN_KOJI_GIT_URL] : KOJI_PIN.git;
    found = await fromUpstream(log, urls);
    const sum = await sha256File(found);
    if (sum !== KOJI_PIN.sha256) {
      await rm(found, { force: true });
      throw new KilnError('KOJI_SOURCE_MISMATCH', `Koji ${KOJI_PIN.commit} made from git has sha256 ${sum}, not the pinned ${KOJI_PIN.sha256}`, {
        fault: 'external',
        details: refused,
        hint: `Put the pinned ${KOJI_PIN.tarball} somewhere and set KILN_KOJI_TARBALL.`,
      });
    }
  }
  if (found !== cached) {
    await mkdir(dirname(cached), { recursive: true });
    const tmp = `${cached}.${process.pid}`;
    await copyFile(found, tmp);
    await rename(tmp, cached);
    if (made) await rm(found, { force: true });
  }
  if (refused.length > 0) log(`ignored (wrong sha256): ${refused.join('; ')}`);
  return cached;
}

/** Extracts the tarball into `dir`; returns the source tree (dir/<prefix>). */
export async function extractKoji(tarball: string, dir: string): Promise<string> {
  await run('tar', ['-xzf', tarball, '-C', dir], { timeoutMs: 120_000 });
  return join(dir, KOJI_PIN.prefix);
}

if (process.argv[1] && /[\\/]scripts[\\/]koji[\\/]source\.(js|ts)$/.test(process.argv[1])) {
  kojiTarball({ log: (l) => process.stderr.write(`[koji] ${l}\n`) }).then(
    (path) => process.stdout.write(`${path}\n`),
    (error: unknown) => {
      process.stderr.write(`koji source: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
