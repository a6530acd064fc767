/**
 * Debian packages for the target architecture, fetched with `apt-get download` and unpacked with
 * `dpkg-deb -x` — never copied from the host, whose binaries are amd64. Which packages a set of
 * tools needs is asked of apt itself: a simulated install against an empty dpkg status lists the
 * whole dependency closure for the target architecture, with exact versions.
 */
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../../src/core/errors.js';
import { run } from '../../src/core/run.js';
import type { ArchInfo } from './arch.js';

export interface Deb {
  name: string;
  version: string;
  /** dpkg architecture of the package: the target's, or "all". */
  arch: string;
}

/** `Inst libc6:i386 (2.36-9+deb12u14 Debian:12.15/oldstable [i386])` → Deb. */
export function parseSimulatedInstall(output: string): Deb[] {
  const debs: Deb[] = [];
  for (const line of output.split('\n')) {
    const m = /^Inst (\S+?)(?::\S+)? \((\S+) .*\[(\S+)\]\)/.exec(line);
    if (m) debs.push({ name: m[1]!, version: m[2]!, arch: m[3]! });
  }
  return debs;
}

const APT_OPTIONS = ['-o', 'APT::Sandbox::User=root', '-o', 'Debug::NoLocking=1'];

/** Every package (with its version) that installing `packages` on an empty system would bring. */
export async function resolveClosure(a: ArchInfo, packages: readonly string[]): Promise<Deb[]> {
  const { stdout } = await run(
    'apt-get',
    ['install', '-s', '--no-install-recommends', '-o', 'Dir::State::status=/dev/null', ...APT_OPTIONS, ...packages.map((p) => `${p}:${a.debian}`)],
    {
      timeoutMs: 120_000,
      env: { LANG: 'C' },
      hint: `apt cannot resolve ${packages.join(' ')} for ${a.debian}. Run scripts/setup-host.sh (it enables the i386 architecture and runs apt-get update).`,
    },
  );
  const debs = parseSimulatedInstall(stdout).filter((d) => d.arch === a.debian);
  for (const p of packages) {
    if (!debs.some((d) => d.name === p)) throw new KilnError('TEST_INSTALLER_PACKAGE', `apt did not resolve ${p}:${a.debian}`);
  }
  return debs;
}

/** The file name apt-get download gives a package ("1:1.35" → "1%3a1.35"). */
export function debFileName(deb: Deb): string {
  return `${deb.name}_${deb.version.replace(/:/g, '%3a')}_${deb.arch}.deb`;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Downloads the packages into `dir` (a cache kept between builds: a file already there is not
 * fetched again) and returns their paths. On a 404 (the package lists are older than the archive)
 * it refreshes the lists once and retries.
 */
export async function downloadDebs(debs: readonly Deb[], dir: string, log: (line: string) => void): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const missing: Deb[] = [];
  for (const d of debs) if (!(await exists(join(dir, debFileName(d))))) missing.push(d);
  if (missing.length > 0) {
    log(`downloading ${missing.length} packages: ${missing.map((d) => d.name).join(' ')}`);
    const args = ['download', ...APT_OPTIONS, ...missing.map((d) => `${d.name}:${d.arch}=${d.version}`)];
    try {
      await run('apt-get', args, { cwd: dir, timeoutMs: 20 * 60_000 });
    } catch {
      log('apt-get download failed; refreshing the package lists and retrying once');
      await run('apt-get', ['update', '-q'], { timeoutMs: 10 * 60_000 }).catch(() => undefined);
      await run('apt-get', args, { cwd: dir, timeoutMs: 20 * 60_000, hint: 'Check that the host reaches the Debian archive.' });
    }
  }
  const paths = debs.map((d) => join(dir, debFileName(d)));
  for (const p of paths) if (!(await exists(p))) throw new KilnError('TEST_INSTALLER_PACKAGE', `apt-get download did not produce ${p}`);
  return paths;
}

/** Unpacks each package's files (not its scripts) into `root`. */
export async function unpackDebs(paths: readonly string[], root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const p of paths) await run('dpkg-deb', ['-x', p, root], { timeoutMs: 10 * 60_000 });
}
