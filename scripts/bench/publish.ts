/**
 * Bench section `publish`: EBS direct upload of a 4 GiB sparse raw image holding ~1 GiB of random
 * data to a LOCAL AWS-compatible endpoint (the test fixture in test/fixtures/aws-endpoint, run as
 * a child process so it has its own core; it verifies every block's SHA-256 and the LINEAR
 * aggregate). Reports blocks and bytes sent (goal: only the allocated blocks) and throughput with
 * 1, 8 and 64 workers, against the baseline of sending every block (what an uploader without a
 * sparse map, or an encrypted snapshot, sends).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from '../../src/core/run.js';
import { dataBlocks, readSparseMap } from '../../src/image/sparse-map.js';
import { createAwsClients, publishEc2, type PublishResult } from '../../src/providers/aws/index.js';
import { startFakeAwsEndpoint } from '../../test/fixtures/aws-endpoint/server.js';
import type { BenchContext, BenchRow } from './types.js';

const SECTION = 'publish';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const BLOCK = 512 * 1024;

/** A sparse raw file of `size` with `dataBytes` of random data in four extents, written in 16 MiB writes. */
async function makeImage(path: string, size: number, dataBytes: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.truncate(size);
    const extent = dataBytes / 4;
    const chunk = 16 * MiB;
    for (const start of [0, size / 4 + 3 * MiB, size / 2 + 5 * BLOCK, size - extent]) {
      for (let off = 0; off < extent; off += chunk) await fh.write(randomBytes(Math.min(chunk, extent - off)), 0, Math.min(chunk, extent - off), start + off);
    }
  } finally {
    await fh.close();
  }
}

interface Endpoint {
  url: string;
  stats(): Promise<{ blocksReceived: number; bytesReceived: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The fixture as a child process when built (dist/), else in-process (noted in the rows). */
async function startEndpoint(log: (line: string) => void): Promise<Endpoint & { child: boolean }> {
  const mainJs = fileURLToPath(new URL('../../test/fixtures/aws-endpoint/main.js', import.meta.url));
  if (!existsSync(mainJs)) {
    log('fixture main.js not built: running the endpoint in-process (shares the uploader\'s thread)');
    const fx = await startFakeAwsEndpoint();
    fx.state.pendingPolls = 0;
    return {
      url: fx.url,
      child: false,
      stats: async () => fx.state.stats,
      reset: async () => fx.state.resetStats(),
      close: () => fx.close(),
    };
  }
  const child = spawn(process.execPath, [mainJs, '--pending-polls', '0'], { timeoutMs: 3 * 3600_000, stdout: 'pipe', stderr: 'ignore' });
  child.catch(() => {});
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /listening (\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error('fixture endpoint exited before listening')));
  });
  return {
    url,
    child: true,
    stats: async () => (await fetch(`${url}/_fixture/stats`)).json() as Promise<{ blocksReceived: number; bytesReceived: number }>,
    reset: async () => void (await fetch(`${url}/_fixture/reset`, { method: 'POST' })),
    close: async () => {
      child.kill('SIGTERM');
      await child.catch(() => {});
    },
  };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const size = ctx.quick ? GiB : 4 * GiB;
  const data = ctx.quick ? 256 * MiB : GiB;
  const image = join(ctx.workDir, 'disk.raw');
  ctx.log(`writing a ${size / GiB} GiB sparse image with ${data / MiB} MiB of random data`);
  await makeImage(image, size, data);
  const allocated = dataBlocks(await readSparseMap(image, { format: 'raw' }), BLOCK).length;
  const totalBlocks = size / BLOCK;
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCHFIXTURE';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench-fixture-secret';
  const endpoint = await startEndpoint(ctx.log);
  const where = endpoint.child ? 'local endpoint (child process)' : 'local endpoint (in-process)';
  const rows: BenchRow[] = [];
  try {
    const upload = async (name: string, workers: number, encrypted: boolean): Promise<{ result: PublishResult; sent: { blocksReceived: number; bytesReceived: number } }> => {
      await endpoint.reset();
      const clients = createAwsClients({ endpointUrl: endpoint.url, maxSockets: workers });
      try {
        // A fresh sha256 and name per run, so nothing is reused between runs.
        const result = await publishEc2({
          image, name, arch: 'x86_64', region: 'us-east-1', workers, encrypted, sha256: randomBytes(32).toString('hex'),
          clients, timing: { pollMs: 10 },
        });
        return { result, sent: await endpoint.stats() };
      } finally {
        clients.destroy();
      }
    };
    const describe = (r: PublishResult, sent: { blocksReceived: number; bytesReceived: number }) => {
      const up = r.snapshot.upload!;
      return `${sent.blocksReceived}/${totalBlocks} blocks, ${(sent.bytesReceived / MiB).toFixed(0)} MiB sent, ${(sent.bytesReceived / MiB / up.seconds).toFixed(0)} MiB/s`;
    };

    ctx.log('baseline: every block (no sparse map), 64 workers');
    const every = await upload('bench-every-block', 64, true);
    const baselineName = `upload every block (${size / GiB} GiB), 64 workers`;
    rows.push({ section: SECTION, name: baselineName, seconds: every.result.snapshot.upload!.seconds, note: `${describe(every.result, every.sent)}; ${where}` });

    for (const workers of [1, 8, 64]) {
      ctx.log(`sparse upload, ${workers} worker(s)`);
      const { result, sent } = await upload(`bench-sparse-${workers}`, workers, false);
      const seconds = result.snapshot.upload!.seconds;
      const onlyAllocated = sent.blocksReceived <= allocated;
      rows.push({
        section: SECTION,
        name: `upload sparse image, ${workers} worker${workers > 1 ? 's' : ''}`,
        seconds,
        ...(workers === 64 ? { baseline: baselineName, ratio: every.result.snapshot.upload!.seconds / seconds } : {}),
        goal: `only allocated blocks (${allocated}): ${onlyAllocated ? 'met' : 'NOT met'}`,
        note: `${describe(result, sent)}; ${where}`,
      });
    }
  } finally {
    await endpoint.close();
  }
  return rows;
}
