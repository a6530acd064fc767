/**
 * A drop's plan, before any guest: the shipped demo spec resolves into one shared install per
 * arch (x86_64 hybrid, installed under UEFI; i686 BIOS), items named by the compose's rules, and
 * a bad kickstart fails at once with file and line.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../src/core/events.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { composeIdentity, loadDropSpec } from '../../src/compose/index.js';
import { planDrop } from '../../src/pipeline/drop/plan.js';
import { regionProblem } from '../../src/providers/aws/regions.js';

const DEMO = join(PROJECT_ROOT, 'scripts/demo/fedora-cloud.drop.yaml');

describe('planDrop', () => {
  it('the demo spec: one install per arch shared by every image, Pungi names, EC2 i686 failable', async () => {
    const spec = await loadDropSpec(DEMO, { regionProblem });
    const compose = composeIdentity(spec, { date: '20261125', type: 'production', respin: 0, label: 'Beta-1.3' });
    expect(compose.id).toBe('Fedora-Cloud-19-20261125.0');
    const plan = await planDrop(spec, compose, { cwd: PROJECT_ROOT, emit: collect().emit });
    expect(plan.installs.size).toBe(2);
    expect(plan.items.map((i) => [i.id, i.stem, i.failable])).toEqual([
      ['Fedora-Cloud-Base x86_64', 'Fedora-Cloud-Base-19_Beta-1.3.x86_64', false],
      ['Fedora-Cloud-Base i386', 'Fedora-Cloud-Base-19_Beta-1.3.i386', false],
      ['Fedora-Cloud-Base-AmazonEC2 x86_64', 'Fedora-Cloud-Base-AmazonEC2-19_Beta-1.3.x86_64', false],
      ['Fedora-Cloud-Base-AmazonEC2 i386', 'Fedora-Cloud-Base-AmazonEC2-19_Beta-1.3.i386', true],
      ['Fedora-Cloud-Appliance x86_64', 'Fedora-Cloud-Appliance-19_Beta-1.3.x86_64', false],
    ]);
    const x86 = [...plan.installs.values()].find((i) => i.resolved.arch === 'x86_64')!;
    expect(x86.items).toHaveLength(3);
    expect(x86.resolved.tree).toBe('http://127.0.0.1:47810/x86_64/');
    // boot_layout hybrid: x86_64 installs Fedora's hybrid layout under UEFI, i686 its BIOS layout.
    expect(x86.resolved.firmware).toBe('uefi');
    const i686 = [...plan.installs.values()].find((i) => i.resolved.arch === 'i686')!;
    expect(i686.resolved.firmware).toBe('bios');
    expect(i686.resolved.spec.kickstart.nodes.some((n) => n.kind === 'command' && (n.raw ?? '').includes('127.0.0.1:47810/i686/payload/rootfs.tar.zst'))).toBe(true);
  });

  it('a kickstart the validator rejects fails the whole drop before anything starts, naming file and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-drop-plan-'));
    try {
      await writeFile(join(dir, 'bad.ks'), 'text\npart / --fstype=ext4 --sise=2048\nrootpw --lock\n');
      await writeFile(
        join(dir, 'spec.yaml'),
        ['release: { name: Fedora, short: Fedora, version: "19" }', 'variant: Cloud', 'arches: [x86_64]', 'tree: /srv/tree/', 'images:', '  - name: Fedora-Cloud-Base', '    kickstart: bad.ks', '    targets: [openstack]', ''].join('\n'),
      );
      const spec = await loadDropSpec(join(dir, 'spec.yaml'), { regionProblem });
      const compose = composeIdentity(spec, { date: '20261125', type: 'nightly', respin: 0 });
      await expect(planDrop(spec, compose, { cwd: dir, emit: collect().emit })).rejects.toMatchObject({
        code: 'KS_INVALID',
        source: { file: join(dir, 'bad.ks'), line: 2 },
        message: expect.stringContaining('Fedora-Cloud-Base x86_64: part: unknown option --sise'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
