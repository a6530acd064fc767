import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/core/run.js';
import { cloudInitConfig, GUEST_SCRIPT_PATH, modulesRegex, renderPrepScript, shQuote } from '../../../src/targets/prep/script.js';
import { genericCloudPrep } from '../../../src/targets/prep/spec.js';
import { ec2Prep } from '../../../src/targets/ec2/facts.js';
import { expectGolden } from '../golden.js';

describe('shQuote', () => {
  it.each([
    ['plain', `'plain'`],
    ['a b', `'a b'`],
    [`it's`, `'it'\\''s'`],
    ['$HOME `x` "y"', `'$HOME \`x\` "y"'`],
    ['', `''`],
  ])('%j', (value, quoted) => {
    expect(shQuote(value)).toBe(quoted);
  });

  it('round-trips through a real sh', async () => {
    const value = `a 'b' "c" $d \`e\` \\f\nnew line`;
    const { stdout } = await run('sh', ['-c', `printf '%s' ${shQuote(value)}`], { timeoutMs: 10_000 });
    expect(stdout).toBe(value);
  });
});

describe('modulesRegex', () => {
  it('matches the way the guest script uses it (grep -E on lsinitramfs lines)', async () => {
    const lines = [
      'usr/lib/modules/6.1.0/kernel/drivers/block/xen-blkfront.ko',
      'usr/lib/modules/6.1.0/kernel/drivers/net/ethernet/amazon/ena/ena.ko.xz',
      'usr/lib/modules/6.1.0/kernel/drivers/nvme/host/nvme-core.ko',
      'usr/lib/modules/6.1.0/kernel/drivers/nvme/host/nvme.ko.zst',
      'usr/lib/modules/6.1.0/kernel/drivers/net/xen_blkfront_old.ko',
    ];
    const re = modulesRegex(['xen-blkfront', 'nvme', 'ena']);
    const { stdout } = await run('grep', ['-E', `(^|/)(${re})\\.ko(\\.(xz|zst|gz|bz2))?$`], { timeoutMs: 10_000, input: lines.join('\n') + '\n' });
    expect(stdout.trim().split('\n')).toEqual([lines[0], lines[1], lines[3]]);
  });

  it('takes a module name literally: a dot is a dot, and - or _ either way', async () => {
    const lines = ['kernel/x/a.b.ko', 'kernel/x/axb.ko', 'kernel/x/xen-netfront.ko'];
    const re = modulesRegex(['a.b', 'xen_netfront']);
    const { stdout } = await run('grep', ['-E', `(^|/)(${re})\\.ko(\\.(xz|zst|gz|bz2))?$`], { timeoutMs: 10_000, input: lines.join('\n') + '\n' });
    expect(stdout.trim().split('\n')).toEqual([lines[0], lines[2]]);
  });
});

describe('cloudInitConfig', () => {
  it.each([
    ['ec2', ec2Prep('x86_64'), '# Written by kiln: the cloud-init settings of this image.\ndatasource_list: [ Ec2 ]\nssh_pwauth: false'],
    ['cloud', genericCloudPrep(), '# Written by kiln: the cloud-init settings of this image.\ndatasource_list: [ NoCloud, ConfigDrive, OpenStack, None ]'],
    ['none', { ...genericCloudPrep(), datasources: undefined }, ''],
  ])('%s', (_name, spec, yaml) => {
    expect(cloudInitConfig(spec)).toBe(yaml);
  });
});

describe('renderPrepScript', () => {
  it.each([
    ['prep-ec2-x86_64.settings.sh', ec2Prep('x86_64')],
    ['prep-ec2-i686.settings.sh', ec2Prep('i686')],
    ['prep-cloud.settings.sh', genericCloudPrep()],
  ])('%s: its settings match the golden file, the shipped guest script follows verbatim, and it is valid sh (sh -n, never run on the host)', async (name, spec) => {
    const script = renderPrepScript(spec);
    // The golden file holds what kiln generates (the settings); the rest is guest-script.sh itself.
    const body = await readFile(GUEST_SCRIPT_PATH, 'utf8');
    expect(script.endsWith(body)).toBe(true);
    await expectGolden(name, script.slice(0, script.length - body.length));
    const dir = await mkdtemp(join(tmpdir(), 'kiln-sh-'));
    try {
      const file = join(dir, name);
      await writeFile(file, script);
      await run('sh', ['-n', file], { timeoutMs: 10_000 });
      await run('bash', ['--posix', '-n', file], { timeoutMs: 10_000 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a script with a syntax error (the check can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-sh-'));
    try {
      await writeFile(join(dir, 'bad.sh'), `${renderPrepScript(genericCloudPrep())}\nif then\n`);
      await expect(run('sh', ['-n', join(dir, 'bad.sh')], { timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
