import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { collect } from '../../src/core/events.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { resolveInstall } from '../../src/pipeline/install-request.js';
import { parseDuration, parseSize } from '../../src/core/units.js';
import { helpDefaults } from '../cli/helpers.js';
import { parseArgv } from '../../src/cli/program.js';
import { commands } from '../../src/cli/commands/index.js';

const tdlDir = join(PROJECT_ROOT, 'test/fixtures/tdl');

describe('resolveInstall: defaults only where neither the user nor the input said anything', () => {
  it("a TDL's arch is used when --arch is not given", async () => {
    const { emit } = collect();
    const r = await resolveInstall({ file: 'rhel-7.tdl' }, { cwd: tdlDir, emit });
    expect(r.arch).toBe('i686');
    expect(r.tree).toBe('http://mirror.example.com/rhel/7.4/os/i386/');
  });

  it('an --arch the user gives wins over the TDL, with a warning', async () => {
    const { emit, events } = collect();
    const r = await resolveInstall({ file: 'rhel-7.tdl', arch: 'x86_64' }, { cwd: tdlDir, emit });
    expect(r.arch).toBe('x86_64');
    expect(events).toContainEqual(expect.objectContaining({ type: 'message', level: 'warn', text: expect.stringContaining("overrides the TDL's <os/arch> i386") }));
  });

  it('no tree anywhere is a usage error', async () => {
    const { emit } = collect();
    await expect(resolveInstall({ kickstart: join(PROJECT_ROOT, 'test/fixtures/kickstarts/kiln-liveimg.ks') }, { cwd: tdlDir, emit })).rejects.toMatchObject({ code: 'USAGE', exitCode: 2 });
  });
});

describe('resolveInstall: the firmware the installer boots under', () => {
  const ks = join(PROJECT_ROOT, 'test/fixtures/kickstarts/kiln-liveimg.ks');

  it.each([
    ['a kickstart without --firmware: bios', { kickstart: ks, tree: '/srv/tree' }, 'bios'],
    ['--firmware uefi', { kickstart: ks, tree: '/srv/tree', firmware: 'uefi' as const }, 'uefi'],
    ["fedora-cloud 40: the template's hybrid layout, installed under uefi", { template: 'fedora-cloud', release: '40', tree: '/srv/tree' }, 'uefi'],
    ['fedora-cloud 40 with --firmware bios (a BIOS install of the hybrid layout)', { template: 'fedora-cloud', release: '40', tree: '/srv/tree', firmware: 'bios' as const }, 'bios'],
    ['fedora-cloud 34: bios', { template: 'fedora-cloud', release: '34', tree: '/srv/tree' }, 'bios'],
  ])('%s', async (_what, request, firmware) => {
    const { emit } = collect();
    expect((await resolveInstall(request, { cwd: tdlDir, emit })).firmware).toBe(firmware);
  });

  it('an i686 install under UEFI is a usage error', async () => {
    const { emit } = collect();
    await expect(resolveInstall({ kickstart: ks, tree: '/srv/tree', arch: 'i686', firmware: 'uefi' }, { cwd: tdlDir, emit })).rejects.toMatchObject({
      code: 'USAGE',
      message: '--firmware uefi: i686 installs boot with BIOS only',
    });
  });
});

describe('the defaults of kiln build', () => {
  it('are what --help states, applied only after the parser left the options unset', async () => {
    let help = '';
    parseArgv(commands, ['build', '--help'], (s) => (help += s));
    const stated = helpDefaults(help);
    const kickstart = join(PROJECT_ROOT, 'test/fixtures/kickstarts/kiln-liveimg.ks');
    const inv = parseArgv(commands, ['build', '--kickstart', kickstart, '--tree', '/srv/tree'], () => {})!;
    // Not filled in by the parser: an input file (a TDL's arch or size) may still say something.
    for (const key of ['arch', 'diskSize', 'memory', 'vcpus', 'stallTimeout', 'timeout']) expect(inv.options[key], key).toBeUndefined();
    const r = await resolveInstall({ kickstart, tree: '/srv/tree' }, { cwd: tdlDir, emit: collect().emit });
    expect({ arch: r.arch, diskSizeBytes: r.diskSizeBytes, memoryMiB: r.memoryMiB, vcpus: r.vcpus, stallTimeoutS: r.stallTimeoutS, timeoutS: r.timeoutS }).toEqual({
      arch: stated['--arch'],
      diskSizeBytes: parseSize(stated['--disk-size']!),
      memoryMiB: Number(stated['--memory']),
      vcpus: Number(stated['--vcpus']),
      stallTimeoutS: parseDuration(stated['--stall-timeout']!),
      timeoutS: parseDuration(stated['--timeout']!),
    });
  });
});
