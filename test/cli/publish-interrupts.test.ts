/**
 * `kiln publish ec2` as its own process, killed the hard ways: SIGKILL in the middle of an upload
 * to the local AWS-compatible endpoint then a re-run (the AMI's snapshot must hold every block),
 * and Ctrl-C while a call waits on an endpoint that accepts and never answers (out in seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { dataBlocks, readSparseMap } from '../../src/image/sparse-map.js';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from '../fixtures/aws-endpoint/server.js';
import { BLOCK, MiB, makeSparseImage, tempDir } from '../providers/aws/helpers.js';

const CLI = join(PROJECT_ROOT, 'dist/src/cli/main.js');
const ENV = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDFIXTURE', AWS_SECRET_ACCESS_KEY: 'fixture-secret', AWS_REGION: 'us-east-1' };

let fx: FakeAwsEndpoint;
let dir: string;
let cleanup: () => Promise<void>;
let image: string;

beforeAll(async () => {
  fx = await startFakeAwsEndpoint();
  fx.state.pendingPolls = 0;
  ({ dir, cleanup } = await tempDir());
  image = await makeSparseImage(dir, 'disk.raw', 256 * MiB, [{ offset: 0, length: 96 * MiB }, { offset: 200 * MiB, length: 32 * MiB }]);
});
afterAll(async () => {
  await fx?.close();
  await cleanup?.();
});

function kiln(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kiln publish ec2, killed', () => {
  it.each([
    ['an endpoint that keeps it pending (as EBS does)', false],
    ['an endpoint that reports the half-written snapshot completed', true],
  ])('SIGKILL mid-upload, then a re-run (%s): the AMI is registered on a snapshot that holds every block', async (_what, completeUnfinished) => {
    fx.state.snapshots.clear();
    fx.state.images.clear();
    fx.state.resetStats();
    fx.state.completeUnfinished = completeUnfinished;
    const expected = dataBlocks(await readSparseMap(image, { format: 'raw' }), BLOCK);
    expect(expected).toHaveLength(256);
    const args = ['publish', 'ec2', image, '--name', 'killed-mid-upload', '--arch', 'x86_64', '--region', 'us-east-1', '--endpoint-url', fx.url, '--workers', '4'];
    fx.state.blockDelayMs = 40;
    const first = kiln(args);
    await until(() => fx.state.stats.blocksReceived >= 40, 60_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const half = [...fx.state.snapshots.values()];
    expect(half).toHaveLength(1);
    expect(half[0]!.blocks.size).toBeLessThan(expected.length);

    fx.state.blockDelayMs = 0;
    const again = kiln([...args, '--json']);
    const done = await again.exited;
    expect(done.code, again.output()).toBe(0);
    fx.state.completeUnfinished = false;
    const amis = [...fx.state.images.values()].filter((i) => i.name === 'killed-mid-upload');
    expect(amis).toHaveLength(1);
    const snap = fx.state.snapshots.get(amis[0]!.snapshotId)!;
    expect(snap.state).toBe('completed');
    expect([...snap.blocks.keys()].sort((a, b) => a - b)).toEqual(expected);
  });

  it('Ctrl-C while a call waits on an endpoint that accepts and never answers ends in seconds', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const run = kiln(['publish', 'ec2', image, '--name', 'hung-endpoint', '--arch', 'x86_64', '--region', 'us-east-1', '--endpoint-url', url]);
      // The first AWS call (DescribeImages) is waiting on the silent endpoint.
      await until(() => sockets.size > 0, 60_000);
      await new Promise((r) => setTimeout(r, 500));
      const sent = Date.now();
      run.child.kill('SIGINT');
      const done = await Promise.race([run.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
      if (done === 'hung') run.child.kill('SIGKILL');
      expect(done, run.output()).toEqual({ code: 130, signal: null });
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(run.output()).toContain('INTERRUPTED');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
