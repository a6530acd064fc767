import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { collect } from '../../src/core/events.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { INSTALL_DEFAULTS, resolveInstall } from '../../src/pipeline/install-request.js';
import { parseArgv } from '../../src/cli/program.js';
import { commands } from '../../src/cli/commands/index.js';

const tdlDir = join(PROJECT_ROOT, 'test/fixtures/tdl');

describe('resolveInstall: defaults only where neither the user nor the input said anything', () => {
  it("a TDL's arch is used when --arch is not given", async () => {
    const { emit } = collect();
    const r = await resolveInstall({ file: 'rhel-7.tdl' }, { cwd: tdlDir, emit });
    expect(r.arch).toBe('i686');
    expect(r.driver.name).toBe('anaconda');
    expect(r.tree).toBe('http://mirror.example.com/rhel/7.4/os/i386/');
  });

  it('an --arch the user gives wins over the TDL, with a warning', async () => {
    const { emit, events } = collect();
    const r = await resolveInstall({ file: 'rhel-7.tdl', arch: 'x86_64' }, { cwd: tdlDir, emit });
    expect(r.arch).toBe('x86_64');
    expect(events).toContainEqual(expect.objectContaining({ type: 'message', level: 'warn', text: expect.stringContaining("overrides the TDL's <os/arch> i386") }));
  });

  it('without arch, disk size or tunables anywhere, the defaults apply', async () => {
    const { emit } = collect();
    const r = await resolveInstall({ kickstart: join(PROJECT_ROOT, 'test/fixtures/kickstarts/kiln-liveimg.ks'), tree: '/srv/tree' }, { cwd: tdlDir, emit });
    expect(r).toMatchObject({ arch: 'x86_64', diskSizeBytes: 10 * 1024 ** 3, memoryMiB: INSTALL_DEFAULTS.memoryMiB, vcpus: 2, keepFailed: false });
  });

  it('no tree anywhere is a usage error', async () => {
    const { emit } = collect();
    await expect(resolveInstall({ kickstart: join(PROJECT_ROOT, 'test/fixtures/kickstarts/kiln-liveimg.ks') }, { cwd: tdlDir, emit })).rejects.toMatchObject({ code: 'USAGE', exitCode: 2 });
  });
});

describe('the CLI passes only the options the user gave', () => {
  it('a default is shown in --help but not filled in', () => {
    const inv = parseArgv(commands, ['build', 'x.tdl'], () => {})!;
    expect(inv.options.arch).toBeUndefined();
    expect(inv.options.diskSize).toBeUndefined();
    let help = '';
    parseArgv(commands, ['build', '--help'], (s) => (help += s));
    expect(help).toMatch(/--arch <arch>[\s\S]*\(default: x86_64\)/);
  });
});
