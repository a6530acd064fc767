/**
 * Bench section "install": kiln's own overheads around a real install from the Anaconda test
 * double (x86_64, the machine's accelerator), each beside a plain `qemu-system` launch of the same
 * kernel and initrd in the same run:
 *   - start → guest running (libvirt reports the domain started) and start → first kernel line on
 *     the console, against plain QEMU's spawn → first kernel line;
 *   - guest power-off → base image captured in the store;
 *   - installer error line → `kiln build` exits (a kickstart naming a disk that does not exist);
 *   - a store hit (same inputs again: no guest).
 * Times come from the JSON events `kiln build --json` prints, as a user's tooling would see them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from '../../src/core/run.js';
import { silent } from '../../src/core/events.js';
import { chooseAccelerator } from '../../src/pipeline/accel.js';
import { runCli } from '../../test/cli/helpers.js';
import { buildTestInstallerTree, type TestInstallerTree } from '../test-installer/tree.js';
import { serveTestTrees, templateBuildArgs } from '../test-installer/serve.js';
import type { BenchContext, BenchRow } from './types.js';

const SECTION = 'install';
/** The first line every Linux kernel prints on its console. */
const KERNEL_FIRST_LINE = /Linux version \d/;

interface JsonLine {
  time: string;
  type: string;
  state?: string;
  stream?: string;
  line?: string;
  code?: string;
}

interface TimedBuild {
  code: number;
  stderr: string;
  startedAt: number;
  endedAt: number;
  lines: JsonLine[];
}

async function kilnBuild(args: string[]): Promise<TimedBuild> {
  const startedAt = Date.now();
  const r = await runCli([...args, '--json']);
  const endedAt = Date.now();
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonLine);
  return { code: r.code, stderr: r.stderr, startedAt, endedAt, lines };
}

function timeOf(b: TimedBuild, what: string, match: (l: JsonLine) => boolean): number {
  const l = b.lines.find(match);
  if (!l) throw new Error(`kiln build printed no ${what} event (exit ${b.code}):\n${b.stderr}`);
  return Date.parse(l.time);
}

const guestState = (state: string) => (l: JsonLine) => l.type === 'guest' && l.state === state;
const seconds = (ms: number) => ms / 1000;

/** Plain QEMU with the tree's kernel and initrd: spawn → the kernel's first console line. */
async function plainQemuLaunch(ctx: BenchContext, tree: TestInstallerTree, accel: 'kvm' | 'tcg', n: number): Promise<number> {
  const consoleLog = join(ctx.workDir, `plain-qemu-${n}.log`);
  await writeFile(consoleLog, '');
  const args = [
    '-accel', accel === 'kvm' ? 'kvm' : 'tcg,thread=multi', '-m', '1024', '-smp', '2',
    '-display', 'none', '-monitor', 'none', '-serial', `file:${consoleLog}`, '-no-reboot',
    '-kernel', tree.kernel, '-initrd', tree.initrd, '-append', 'console=ttyS0 panic=-1',
  ];
  const started = Date.now();
  const qemu = spawn('qemu-system-x86_64', args, { timeoutMs: 600_000, stdout: 'ignore' });
  const ended = qemu.then(() => undefined, () => undefined);
  try {
    for (;;) {
      if (KERNEL_FIRST_LINE.test(await readFile(consoleLog, 'utf8'))) return seconds(Date.now() - started);
      if (Date.now() - started > 300_000) throw new Error('plain QEMU printed no kernel line in 300 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    qemu.kill('SIGKILL');
    await ended;
  }
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const tree = await buildTestInstallerTree({ arch: 'x86_64', log: ctx.log });
  const server = await serveTestTrees({ x86_64: tree });
  const { accel } = await chooseAccelerator(silent);
  // Under BIOS, as the plain QEMU launch beside it (SeaBIOS): the tests' x86_64 layout is hybrid,
  // installed under UEFI by default, and OVMF's start would count as kiln's overhead.
  const base = ['build', ...templateBuildArgs('x86_64', tree), '--firmware', 'bios', '--disk-size', '4G', '--memory', '1024', '--store', join(ctx.workDir, 'store')];
  try {
    const plain: number[] = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) plain.push(await plainQemuLaunch(ctx, tree, accel, i));
    const plainLaunch = plain.sort((a, b) => a - b)[Math.floor(plain.length / 2)]!;
    ctx.log(`plain qemu-system launch → first kernel line: ${plainLaunch.toFixed(2)} s (median of ${plain.length})`);
    const PLAIN = 'plain qemu-system: spawn → first kernel line';

    ctx.log('kiln build (a full install; minutes under TCG)');
    const full = await kilnBuild(base);
    if (full.code !== 0) throw new Error(`kiln build failed (exit ${full.code}):\n${full.stderr}`);
    const running = seconds(timeOf(full, 'guest booting', guestState('booting')) - full.startedAt);
    const firstLine = seconds(timeOf(full, 'kernel console line', (l) => l.type === 'installer-line' && KERNEL_FIRST_LINE.test(l.line ?? '')) - full.startedAt);
    const capture = seconds(timeOf(full, 'captured', guestState('captured')) - timeOf(full, 'powered-off', guestState('powered-off')));
    const installTotal = seconds(full.endedAt - full.startedAt);

    ctx.log('kiln build again (same inputs: a store hit)');
    const hit = await kilnBuild(base);
    if (hit.code !== 0 || hit.lines.some((l) => l.type === 'guest')) throw new Error(`the second build was not a store hit (exit ${hit.code}):\n${hit.stderr}`);
    const storeHit = seconds(hit.endedAt - hit.startedAt);

    ctx.log('kiln build with an installer-side kickstart error');
    const ks = join(ctx.workDir, 'no-such-disk.ks');
    await writeFile(ks, 'part / --fstype=ext4 --size=1024 --grow --ondisk=sdz\n');
    const broken = await kilnBuild([...base, '--kickstart', ks]);
    if (broken.code !== 1) throw new Error(`the broken build did not fail (exit ${broken.code})`);
    const errorLine = timeOf(broken, 'installer error line', (l) => l.type === 'installer-line' && /problem occurred on line/.test(l.line ?? ''));
    const errorToExit = seconds(broken.endedAt - errorLine);

    const beside = (s: number) => ({ baseline: PLAIN, ratio: plainLaunch / s });
    return [
      { section: SECTION, name: PLAIN, seconds: plainLaunch, note: `${accel}, same kernel and initrd` },
      { section: SECTION, name: 'kiln build: start → guest running', seconds: running, ...beside(running), note: 'media, store key, kickstart, initrd, domain' },
      { section: SECTION, name: 'kiln build: start → first kernel line', seconds: firstLine, ...beside(firstLine), note: 'kiln overhead = this − plain' },
      { section: SECTION, name: 'guest power-off → captured', seconds: capture, ...beside(capture), note: 'rename into the store, no copy' },
      { section: SECTION, name: 'installer error line → exit', seconds: errorToExit, ...beside(errorToExit), note: 'domain destroyed, temp files removed' },
      { section: SECTION, name: 'store hit (same inputs)', seconds: storeHit, ...beside(storeHit), note: 'no guest started' },
      { section: SECTION, name: 'whole install (for scale)', seconds: installTotal, ...beside(installTotal), note: `${accel}, 4 GiB disk` },
    ];
  } finally {
    await server.close();
  }
}
