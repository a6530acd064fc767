/**
 * Bench section "boot": `kiln test` on an openstack image — start → SSH login — beside the
 * guest's own boot in the same run: its firmware and boot loader (domain start → the kernel's
 * first console line) plus its kernel → sshd ready (the guest's journal), and the SSH login itself
 * (the attempt that logged in, timed by kiln test: under TCG a login into a booting guest takes
 * seconds of the guest's CPU, which no waiting strategy removes). What remains is kiln's overhead:
 * the time from sshd's start to kiln's last attempt (goal: under 2 s). The image comes from
 * the default store's base image of the test double (a store hit once the demo or the tests made it).
 */
import { join } from 'node:path';
import { defaultStoreDir } from '../../src/core/paths.js';
import type { TestReport } from '../../src/testing/report.js';
import { runCli } from '../../test/cli/helpers.js';
import { buildTestInstallerTree } from '../test-installer/tree.js';
import { serveTestTrees, templateBuildArgs } from '../test-installer/serve.js';
import type { BenchContext, BenchRow } from './types.js';
import { median, spread } from './measure.js';

const SECTION = 'boot';

async function cli(args: string[]): Promise<unknown> {
  const r = await runCli([...args, '--json']);
  const last = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; data?: unknown }).at(-1);
  if (r.code !== 0 || last?.type !== 'result') throw new Error(`kiln ${args[0]} failed (exit ${r.code}):\n${r.stdout.slice(-3000)}${r.stderr}`);
  return last.data;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const tree = await buildTestInstallerTree({ arch: 'x86_64', log: ctx.log });
  const server = await serveTestTrees({ x86_64: tree });
  try {
    ctx.log('base image (a store hit when the demo or the tests made it) and its openstack image');
    const store = defaultStoreDir(process.env);
    const built = (await cli(['build', ...templateBuildArgs('x86_64', tree), '--disk-size', '4G', '--memory', '1024', '--store', store, '--target', 'openstack', '--out', join(ctx.workDir, 'out')])) as {
      targets: { outputs: { file: string }[] };
    };
    const image = join(ctx.workDir, 'out', built.targets.outputs[0]!.file);
    const rows: BenchRow[] = [];
    const runs = ctx.quick ? 1 : 3;
    const login: number[] = [];
    const guest: number[] = [];
    const attempt: number[] = [];
    for (let i = 0; i < runs; i++) {
      ctx.log(`kiln test ${i + 1}/${runs}`);
      const report = (await cli(['test', image, '--report', join(ctx.workDir, `report-${i}`)])) as TestReport;
      const r = report.images[0]!;
      if (r.loginSeconds === undefined || r.guestBootSeconds === undefined || r.loginAttemptSeconds === undefined) throw new Error('the test report has no login, login attempt or guest boot time');
      login.push(r.loginSeconds);
      guest.push(r.guestBootSeconds);
      attempt.push(r.loginAttemptSeconds);
    }
    const overheads = login.map((l, i) => l - guest[i]! - attempt[i]!);
    rows.push(
      { section: SECTION, name: "guest's own boot: start → sshd ready", seconds: median(guest), note: `firmware + boot loader from the console, kernel → sshd from the journal; ${spread(guest)}` },
      { section: SECTION, name: 'one SSH login into the guest (the attempt that logged in)', seconds: median(attempt), note: `connection, key exchange, key authentication, a session running true; ${spread(attempt)}` },
      { section: SECTION, name: 'kiln test: start → SSH login', seconds: median(login), baseline: "guest's own boot + one SSH login", ratio: (median(guest) + median(attempt)) / median(login), note: spread(login) },
      { section: SECTION, name: "kiln's overhead (login − guest's own boot − one SSH login)", seconds: median(overheads), goal: '< 2 s', note: spread(overheads) },
    );
    return rows;
  } finally {
    await server.close();
  }
}
