/**
 * Bench section "drop": the same work — for x86_64 and i686, an install and the openstack and
 * raw-xz targets — done by one `kiln drop` and, in the same run, by the commands a user would
 * chain without it: `kiln build` then `kiln target` per arch, one after another. Each side starts
 * from an empty store (the installs are real). Reported: wall time of each, the ratio (goal: the
 * drop ≥ 1.5× faster on 2 cores), and the drop's average CPU use (from /proc/stat), which shows
 * how much of the host its parallel steps keep busy.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/cli/helpers.js';
import { buildTestInstallerTree } from '../test-installer/tree.js';
import { serveTestTrees, templateBuildArgs, testDropSpecLines } from '../test-installer/serve.js';
import type { BenchContext, BenchRow } from './types.js';

const SECTION = 'drop';
const ARCHES = ['x86_64', 'i686'] as const;

async function cpuTimes(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3]! + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

async function timed(label: string, ctx: BenchContext, body: () => Promise<void>): Promise<{ seconds: number; cpu: number }> {
  ctx.log(label);
  const before = await cpuTimes();
  const started = performance.now();
  await body();
  const seconds = (performance.now() - started) / 1000;
  const after = await cpuTimes();
  return { seconds, cpu: (after.busy - before.busy) / (after.total - before.total) };
}

async function kiln(args: string[]): Promise<Record<string, unknown>> {
  const r = await runCli([...args, '--json']);
  const last = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; data?: Record<string, unknown> }).at(-1);
  if (r.code !== 0 || last?.type !== 'result') throw new Error(`kiln ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout.slice(-3000)}${r.stderr}`);
  return last.data!;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const trees = { x86_64: await buildTestInstallerTree({ arch: 'x86_64', log: ctx.log }), i686: await buildTestInstallerTree({ arch: 'i686', log: ctx.log }) };
  const server = await serveTestTrees(trees);
  const xz = ctx.quick ? '0' : '6';
  try {
    const sequential = await timed('sequential: kiln build + kiln target, per arch', ctx, async () => {
      for (const arch of ARCHES) {
        const built = await kiln(['build', ...templateBuildArgs(arch, trees[arch]), '--disk-size', '4G', '--memory', '1024', '--store', join(ctx.workDir, 'store-seq')]);
        await kiln(['target', String(built.id), '--target', 'openstack,raw-xz', '--xz-level', xz, '--store', join(ctx.workDir, 'store-seq'), '--out', join(ctx.workDir, 'out-seq', arch)]);
      }
    });
    const spec = join(ctx.workDir, 'bench.drop.yaml');
    await writeFile(spec, [...testDropSpecLines([{ name: 'Fedora-Cloud-Base', targets: ['openstack', 'raw-xz'] }]), 'test: none', ''].join('\n'));
    const drop = await timed('kiln drop (both arches in parallel)', ctx, async () => {
      await kiln(['drop', spec, '--nightly', '--out', join(ctx.workDir, 'composes'), '--xz-level', xz, '--store', join(ctx.workDir, 'store-drop')]);
    });
    const SEQ = 'kiln build + kiln target, per arch, in sequence';
    return [
      { section: SECTION, name: SEQ, seconds: sequential.seconds, note: `average CPU use ${(sequential.cpu * 100).toFixed(0)}% of ${cpus().length} cores` },
      { section: SECTION, name: 'kiln drop, same work', seconds: drop.seconds, baseline: SEQ, ratio: sequential.seconds / drop.seconds, goal: '≥ 1.5×', note: `average CPU use ${(drop.cpu * 100).toFixed(0)}% of ${cpus().length} cores` },
    ];
  } finally {
    await server.close();
  }
}
