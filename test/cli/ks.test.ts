import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { runCli } from './helpers.js';

const cwd = join(PROJECT_ROOT, 'test/fixtures/kickstarts');

describe('kiln ks validate', () => {
  it('a valid kickstart: exit 0 and a summary', async () => {
    const r = await runCli(['ks', 'validate', 'rhel7-server.ks', '--syntax', 'RHEL7'], { cwd });
    expect(r).toEqual({ code: 0, stdout: 'rhel7-server.ks: valid for RHEL7 (0 errors, 0 warnings)\n', stderr: '' });
  });

  it('errors with file:line: exit 1', async () => {
    const r = await runCli(['ks', 'validate', 'broken/unknown-option.ks', '--syntax', 'F19'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'broken/unknown-option.ks:5: part: unknown option --sise (did you mean --size?)\n' +
        'broken/unknown-option.ks: warning: unattended install: no installation source (url, liveimg, …): Anaconda installs from what it was booted with (inst.repo=, or the medium); `kiln build` gives it the tree of --tree\n' +
        'broken/unknown-option.ks: invalid for F19 (1 error, 1 warning)\n',
    );
  });

  it('errors inside an included file name that file', async () => {
    const r = await runCli(['ks', 'validate', 'fedora-live-workstation.ks', '--syntax', 'RHEL6'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fedora-live-base.ks:3: keyboard: --vckeymap is not available in syntax RHEL6 (added in RHEL7)\n');
  });

  it('takes the syntax from #version= when --syntax is not given, and says when it guesses', async () => {
    expect((await runCli(['ks', 'validate', 'fedora-cloud-base.ks'], { cwd })).stdout).toBe('fedora-cloud-base.ks: valid for F21 (0 errors, 0 warnings)\n');
    const guessed = await runCli(['ks', 'validate', 'kiln-liveimg.ks'], { cwd });
    expect(guessed.stdout).toBe("note: no --syntax given and no '#version=' line; validating as F45\nkiln-liveimg.ks: valid for F45 (0 errors, 0 warnings)\n");
  });

  it('warnings alone keep exit 0; a newer syntax than the table is noted', async () => {
    const r = await runCli(['ks', 'validate', 'warnings/deprecated-upgrade.ks', '--syntax', 'F50'], { cwd });
    expect(r.code).toBe(1); // upgrade was removed in F29
    const w = await runCli(['ks', 'validate', 'warnings/deprecated-upgrade.ks', '--syntax', 'F21'], { cwd });
    expect(w.code).toBe(0);
    expect(w.stdout.split('\n')[0]).toBe('warnings/deprecated-upgrade.ks:2: warning: upgrade: the command is deprecated since F20 and has no effect; remove it');
    // The file is a fragment: what an unattended install would lack is said, as warnings.
    expect(w.stdout).toContain('warnings/deprecated-upgrade.ks: warning: unattended install: no partitioning');
    expect(w.stdout.trim().split('\n').at(-1)).toBe('warnings/deprecated-upgrade.ks: valid for F21 (0 errors, 4 warnings)');
    expect(r.stdout.split('\n')[0]).toBe("note: kickstart syntax F50 is newer than kiln's tables; validating as F45");
  });

  it('--json gives the diagnostics as data', async () => {
    const r = await runCli(['ks', 'validate', 'broken/bad-int.ks', '--syntax', 'F30', '--json'], { cwd });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({
      type: 'result',
      data: { file: 'broken/bad-int.ks', syntax: 'F30', valid: false, errors: 1, warnings: 2, notes: [] },
    });
    expect(result.data.diagnostics[0]).toEqual({ severity: 'error', file: 'broken/bad-int.ks', line: 2, message: "part: --size expects an integer, not '2G'" });
  });

  it.each([
    [['ks', 'validate', 'rhel7-server.ks', '--syntax', 'F2'], 'kickstart syntax F2 is older than any pykickstart knows'],
    [['ks', 'validate', 'rhel7-server.ks', '--syntax', 'suse'], "unknown kickstart syntax version 'suse'"],
    [['ks', 'validate'], "missing required argument 'file'"],
    [['ks'], "'kiln ks' needs a subcommand: validate, flatten"],
  ])('%j is a usage error: exit 2', async (argv, message) => {
    const r = await runCli(argv, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a missing file: exit 1 with KS_READ', async () => {
    const r = await runCli(['ks', 'validate', 'nope.ks'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kiln: error [KS_READ]: nope.ks: cannot read kickstart nope.ks: no such file');
  });
});

describe('kiln ks flatten', () => {
  it('prints the kickstart with every %include resolved', async () => {
    const r = await runCli(['ks', 'flatten', 'fedora-live-workstation.ks'], { cwd });
    expect(r.code).toBe(0);
    const base = await readFile(join(cwd, 'fedora-live-base.ks'), 'utf8');
    const common = await readFile(join(cwd, 'includes/fedora-workstation-common.ks'), 'utf8');
    const top = await readFile(join(cwd, 'fedora-live-workstation.ks'), 'utf8');
    expect(r.stdout).toBe(top.replace('%include fedora-live-base.ks\n', base).replace('%include includes/fedora-workstation-common.ks\n', common));
  });

  it('a warning is said once, with its file and line (the reporter adds the one "warning:")', async () => {
    const r = await runCli(['ks', 'flatten', 'warnings/hash-in-password.ks'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('rootpw --plaintext abc#123\n');
    expect(r.stderr).toBe("warning: warnings/hash-in-password.ks:1: a '#' right after a word (column 23) starts a comment and cuts the word there; quote the value if '#' belongs to it\n");
  });

  it('an include loop: exit 1 with the chain', async () => {
    const r = await runCli(['ks', 'flatten', 'broken/include-loop-a.ks'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('kiln: error [KS_INVALID]: broken/include-loop-b.ks:2: %include: include loop broken/include-loop-a.ks → broken/include-loop-b.ks → broken/include-loop-a.ks');
  });
});
