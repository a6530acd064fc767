/**
 * The build arguments and the drop spec lines the integration tests, the demo and the benchmark
 * install the test double with: x86_64 is Fedora's hybrid layout installed under UEFI, i686 the
 * BIOS layout, and a drop of `testDropSpecLines` installs exactly what `kiln build` with
 * `templateBuildArgs` installs, arch by arch (the same kickstart and firmware: the drop's installs
 * are store hits of the install test's base images), as does the shipped demo spec (the bench's
 * boot section counts on the demo's base image). Resolved before any guest, as `kiln build` and
 * `kiln drop` resolve them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../../src/core/events.js';
import { composeIdentity, loadDropSpec } from '../../../src/compose/index.js';
import { planDrop, type DropPlan } from '../../../src/pipeline/drop/plan.js';
import { resolveInstall, type InstallRequest, type ResolvedInstall } from '../../../src/pipeline/install-request.js';
import { regionProblem } from '../../../src/providers/aws/regions.js';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { templateBuildArgs, testDropSpecLines } from '../../../scripts/test-installer/serve.js';
import type { TestInstallerTree } from '../../../scripts/test-installer/tree.js';

const ARCHES = ['x86_64', 'i686'] as const;
const tree = (arch: string) => ({ dir: `/srv/kiln-test-trees/${arch}` }) as TestInstallerTree;

let dir: string;
let plan: DropPlan;
let demo: DropPlan;
const dropWarnings: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-serve-args-'));
  const file = join(dir, 'test.drop.yaml');
  await writeFile(file, [...testDropSpecLines([{ name: 'Fedora-Cloud-Base', targets: ['openstack'] }]), 'test: none', ''].join('\n'));
  const spec = await loadDropSpec(file, { regionProblem });
  const events = collect();
  plan = await planDrop(spec, composeIdentity(spec, { date: '20261125', type: 'nightly', respin: 0 }), { cwd: dir, emit: events.emit });
  for (const e of events.events) if (e.type === 'message' && e.level === 'warn') dropWarnings.push(e.text);
  const demoSpec = await loadDropSpec(join(PROJECT_ROOT, 'scripts/demo/fedora-cloud.drop.yaml'), { regionProblem });
  demo = await planDrop(demoSpec, composeIdentity(demoSpec, { date: '20261125', type: 'nightly', respin: 0 }), { cwd: dir, emit: collect().emit });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `kiln build` with these arguments and the suite's disk size, resolved as the command resolves it. */
async function resolveBuild(args: string[]): Promise<{ resolved: ResolvedInstall; warnings: string[] }> {
  const flag = (name: string) => args[args.indexOf(name) + 1];
  const variables = Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === '--var' ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
  const request: InstallRequest = { template: flag('--template'), release: flag('--release'), tree: flag('--tree'), arch: flag('--arch'), variables, diskSize: '4G' };
  const events = collect();
  const resolved = await resolveInstall(request, { cwd: dir, emit: events.emit });
  return { resolved, warnings: events.events.flatMap((e) => (e.type === 'message' && e.level === 'warn' ? [e.text] : [])) };
}

const keyText = (r: ResolvedInstall) => r.driver.answerFile(r.spec).keyText;

describe('templateBuildArgs and testDropSpecLines', () => {
  it('x86_64: the hybrid layout (GPT, BIOS boot and EFI system partitions), installed under UEFI', async () => {
    expect(templateBuildArgs('x86_64', tree('x86_64'))).toEqual(expect.arrayContaining(['--var', 'boot_layout=hybrid']));
    const { resolved } = await resolveBuild(templateBuildArgs('x86_64', tree('x86_64')));
    expect(resolved.firmware).toBe('uefi');
    expect(keyText(resolved)).toMatch(/^part biosboot --size=1 --fstype=biosboot$/m);
    expect(keyText(resolved)).toMatch(/^part \/boot\/efi --size=100 --fstype=efi$/m);
  });

  it('i686: the release\'s BIOS layout, asked for without a warning', async () => {
    expect(templateBuildArgs('i686', tree('i686'))).not.toContain('boot_layout=hybrid');
    const { resolved, warnings } = await resolveBuild(templateBuildArgs('i686', tree('i686')));
    expect(resolved.firmware).toBe('bios');
    expect(keyText(resolved)).not.toMatch(/biosboot|\/boot\/efi/);
    expect(warnings.filter((w) => w.includes('boot_layout'))).toEqual([]);
  });

  it.each(ARCHES.flatMap((arch) => [[arch, 'testDropSpecLines'], [arch, 'the demo spec']] as const))('%s: a drop of %s installs the same kickstart under the same firmware as kiln build (a store hit)', async (arch, which) => {
    const installs = [...(which === 'testDropSpecLines' ? plan : demo).installs.values()].filter((i) => i.resolved.arch === arch);
    expect(installs).toHaveLength(1);
    const drop = installs[0]!.resolved;
    const { resolved: build } = await resolveBuild(templateBuildArgs(arch, tree(arch)));
    expect(drop.firmware).toBe(build.firmware);
    expect(drop.diskSizeBytes).toBe(build.diskSizeBytes);
    expect(keyText(drop)).toBe(keyText(build));
  });

  it('the drop says once that i686 boots BIOS only', () => {
    expect(dropWarnings.filter((w) => w.includes('boot_layout'))).toEqual(['guest template fedora-cloud: boot_layout hybrid is bios for i686 (i686 images boot with BIOS only)']);
  });
});
