import { describe, expect, it } from 'vitest';
import { pickQuirks } from '../../../src/installers/anaconda/quirks.js';
import { bootArgs } from '../../../src/installers/anaconda/boot-args.js';

describe('pickQuirks', () => {
  it.each([
    ['Fedora', '19', 'inst.ks', true, false],
    ['Fedora', '40', 'inst.ks', true, false],
    ['Red Hat Enterprise Linux', '6.5', 'ks', false, false],
    ['CentOS', '7', 'inst.ks', true, false],
    ['CentOS Stream', '9', 'inst.ks', true, false],
    ['Fedora', '17', 'inst.ks', false, false],
    ['SomethingElse', '3', 'inst.ks', true, true],
    ['Fedora', undefined, 'inst.ks', true, true],
  ])('%s %s', (family, version, ks, virtio, warns) => {
    const { quirks, warning } = pickQuirks(family, version);
    expect(quirks.ks).toBe(ks);
    expect(quirks.virtioLog).toBe(virtio);
    expect(warning !== undefined).toBe(warns);
  });
});

describe('bootArgs', () => {
  it('boots the kickstart from the initrd with the console on the serial port', () => {
    const args = bootArgs({ quirks: pickQuirks('Fedora', '19').quirks, repoUrl: 'http://10.0.2.2:8000/tree/', cmdlineMode: false, extra: ['net.ifnames=0'] });
    expect(args).toBe('inst.ks=file:/ks.cfg inst.repo=http://10.0.2.2:8000/tree/ inst.text console=tty0 console=ttyS0,115200n8 net.ifnames=0');
  });
  it('uses the old option names for RHEL 6', () => {
    const args = bootArgs({ quirks: pickQuirks('Red Hat Enterprise Linux', '6').quirks, repoUrl: 'http://x/', cmdlineMode: true, extra: [] });
    expect(args.split(' ').slice(0, 3)).toEqual(['ks=file:/ks.cfg', 'repo=http://x/', 'cmdline']);
  });
});
