/** Judging a booted guest from the facts it reported (guest-facts.sh output recorded as text). */
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/testing/checks.js';
import { parseFacts } from '../../src/testing/guest-facts.js';

const result = (ds: string, errors: string[] = []) => Buffer.from(JSON.stringify({ v1: { datasource: ds, errors } })).toString('base64');

const good = [
  'uname=6.1.0-40-amd64 x86_64',
  'hostname=kiln-test-abc123',
  'btime=1000000',
  'ci-status-rc=0',
  'ci-status=done',
  `ci-result=${result('DataSourceNoCloud [seed=/dev/vdb][dsmode=net]')}`,
  'machine-id=1000012 0123456789abcdef0123456789abcdef',
  'host-key=1000020 /etc/ssh/ssh_host_ed25519_key.pub',
  'host-key=1000020 /etc/ssh/ssh_host_rsa_key.pub',
  'root-fs-bytes=5900000000',
  'root-part=vda1 2048 12580864 12582912',
  'sudo=yes',
  'root-password=locked',
  'lease=1000030.5 /var/lib/dhcp/dhclient.eth0.leases',
  'facts-end=1',
].join('\n');

const expectations = { datasource: 'NoCloud', hostname: 'kiln-test-abc123', growBytes: 2 * 1024 ** 3, rootLocked: true };
const byName = (text: string, e = expectations) => Object.fromEntries(judge(parseFacts(text), e).map((c) => [c.name, c]));

describe('boot test checks', () => {
  it('a good guest passes every check', () => {
    const checks = judge(parseFacts(good), expectations);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'cloud-init', 'datasource NoCloud', 'hostname from metadata', 'machine-id made on this boot', 'ssh host keys made on this boot',
      'no build leftovers', 'root file system grown', 'root password locked',
    ]);
  });

  it.each([
    ['ci-status=done', 'ci-status=disabled', 'cloud-init', /did not run \(status: disabled\)/],
    [`ci-result=${result('DataSourceNoCloud [seed=/dev/vdb][dsmode=net]')}`, `ci-result=${result('DataSourceNoCloud', ['module x failed'])}`, 'cloud-init', /errors: module x failed/],
    [`ci-result=${result('DataSourceNoCloud [seed=/dev/vdb][dsmode=net]')}`, `ci-result=${result('DataSourceNone')}`, 'datasource NoCloud', /cloud-init used DataSourceNone/],
    ['hostname=kiln-test-abc123', 'hostname=localhost', 'hostname from metadata', /hostname is localhost/],
    ['machine-id=1000012 0123', 'machine-id=900000 0123', 'machine-id made on this boot', /predate this boot/],
    ['host-key=1000020 /etc/ssh/ssh_host_rsa_key.pub', 'host-key=900 /etc/ssh/ssh_host_rsa_key.pub', 'ssh host keys made on this boot', /ssh_host_rsa_key\.pub predate/],
    ['lease=1000030.5 /var/lib/dhcp/dhclient.eth0.leases', 'lease=900000.5 /var/lib/dhcp/dhclient.eth0.leases', 'no build leftovers', /dhclient\.eth0\.leases/],
    ['sudo=yes', 'sudo=yes\nleftover=/root/.bash_history', 'no build leftovers', /\/root\/\.bash_history/],
    ['root-part=vda1 2048 12580864 12582912', 'root-part=vda1 2048 8386560 12582912', 'root file system grown', /growpart did not run/],
    ['root-fs-bytes=5900000000', 'root-fs-bytes=4000000000', 'root file system grown', /was not resized/],
    ['root-password=locked', 'root-password=set', 'root password locked', /root's password is set/],
  ])('%s → %s fails %s', (from, to, check, detail) => {
    const c = byName(good.replace(from, to))[check]!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(detail);
  });

  it('root-only checks are skipped, saying why, without passwordless sudo', () => {
    const c = byName(good.replace('sudo=yes', 'sudo=no'));
    expect(c['root password locked']).toMatchObject({ status: 'skip', detail: expect.stringContaining('no passwordless sudo') });
    expect(c['no build leftovers']!.status).toBe('skip');
  });

  it('an image without cloud-init fails, and growth is only checked when the disk was grown', () => {
    const c = byName(good.replace('ci-status=done', 'ci-status=absent'), { ...expectations, growBytes: 0, rootLocked: false });
    expect(c['cloud-init']).toMatchObject({ status: 'fail', detail: 'cloud-init is not installed in the image' });
    expect(c['root file system grown']).toBeUndefined();
    expect(c['root password locked']).toBeUndefined();
  });

  it('an unfinished fact script is not complete', () => {
    expect(parseFacts(good.replace('facts-end=1', '')).complete).toBe(false);
  });
});

describe('the firmware the guest says it booted under', () => {
  const check = (line: string | undefined, firmware: 'bios' | 'uefi' | 'uefi-secure') => {
    const text = line === undefined ? good : good.replace('root-fs-bytes=', `${line}\nroot-fs-bytes=`);
    return judge(parseFacts(text), { ...expectations, firmware }).find((c) => /^(booted under|Secure Boot)/.test(c.name))!;
  };

  it.each([
    ['firmware=bios', 'bios', 'booted under BIOS', 'pass', /\/sys\/firmware\/efi absent/],
    ['firmware=uefi 0', 'bios', 'booted under BIOS', 'fail', /booted under UEFI/],
    ['firmware=uefi 0', 'uefi', 'booted under UEFI', 'pass', /EFI runtime services present$/],
    ['firmware=bios', 'uefi', 'booted under UEFI', 'fail', /booted under BIOS/],
    ['firmware=uefi 1', 'uefi-secure', 'Secure Boot enforcing', 'pass', /SecureBoot EFI variable is 1/],
    ['firmware=uefi 0', 'uefi-secure', 'Secure Boot enforcing', 'fail', /variable is 0/],
    ['firmware=uefi unknown', 'uefi-secure', 'Secure Boot enforcing', 'fail', /could not be read/],
    ['firmware=bios', 'uefi-secure', 'Secure Boot enforcing', 'fail', /booted under BIOS/],
    [undefined, 'uefi', 'booted under UEFI', 'fail', /did not report its firmware/],
  ] as const)('%s, started with %s: %s %s', (line, firmware, name, status, detail) => {
    const c = check(line, firmware);
    expect(c).toMatchObject({ name, status });
    expect(c.detail).toMatch(detail);
  });

  it('no firmware expected (an older report): no firmware check', () => {
    expect(judge(parseFacts(good), expectations).map((c) => c.name)).not.toContain('booted under BIOS');
  });
});
