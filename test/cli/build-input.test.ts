/**
 * `kiln build` on bad input and unreachable trees, without a guest: a disk larger than the store
 * can hold, a missing kickstart (usage errors, exit 2), a refused tree URL (the cause in the
 * message), and Ctrl-C while the tree's server accepts and never answers (out in seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { runCli } from './helpers.js';

let dir: string;
let ks: string;
let tree: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-build-input-'));
  ks = join(dir, 'small.ks');
  await writeFile(ks, '#version=F19\ntext\npart / --fstype=ext4 --size=1024\nrootpw --lock\nliveimg --url=http://127.0.0.1:9/rootfs.tar\npoweroff\n');
  // A tree without .treeinfo: kiln takes images/pxeboot/{vmlinuz,initrd.img} unverified.
  tree = join(dir, 'tree');
  await mkdir(join(tree, 'images', 'pxeboot'), { recursive: true });
  await writeFile(join(tree, 'images', 'pxeboot', 'vmlinuz'), 'kernel');
  await writeFile(join(tree, 'images', 'pxeboot', 'initrd.img'), 'initrd');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const build = (extra: string[]) => runCli(['build', '--kickstart', ks, '--store', join(dir, 'store'), '--json', ...extra], { cwd: dir });
const errorOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as { code: string; message: string; exitCode: number };

describe('kiln build: input bounds', () => {
  it('--disk-size 1024T is refused, naming the free space of the store (exit 2)', async () => {
    const r = await build(['--tree', tree, '--disk-size', '1024T']);
    expect(r.code).toBe(2);
    const e = errorOf(r.stdout);
    expect(e.code).toBe('DISK_SIZE_TOO_LARGE');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^a disk of 1024\.0 TiB does not fit: the store's file system has \d+(\.\d+)? [KMGT]?i?B free \(.*\/store\/tmp\)$/);
  });

  it('a kickstart that is not there is a usage error (exit 2), like a missing tree', async () => {
    const r = await runCli(['build', '--kickstart', join(dir, 'nope.ks'), '--tree', tree, '--store', join(dir, 'store')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`kiln: error [INPUT_READ]: ${join(dir, 'nope.ks')}: cannot read ${join(dir, 'nope.ks')}: no such file`);
  });

  it('a refused tree URL says ECONNREFUSED', async () => {
    const silent = createServer();
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    const r = await build(['--tree', `http://127.0.0.1:${port}/os/`]);
    expect(r.code).toBe(1);
    const e = errorOf(r.stdout);
    expect(e.code).toBe('MEDIA_FETCH_FAILED');
    expect(e.message).toBe(`http://127.0.0.1:${port}/os/.treeinfo: connection refused (ECONNREFUSED)`);
  });

  it('Ctrl-C while the tree server accepts and never answers ends the build in seconds', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/os/`;
    try {
      const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src/cli/main.js'), 'build', '--kickstart', ks, '--tree', url, '--store', join(dir, 'store')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 300 && sockets.size === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(sockets.size).toBeGreaterThan(0);
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
      if (code === 'hung') child.kill('SIGKILL');
      expect(code, out).toBe(130);
      expect(Date.now() - sent).toBeLessThan(5_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
