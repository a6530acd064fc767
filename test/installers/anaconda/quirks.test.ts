import { describe, expect, it } from 'vitest';
import { pickQuirks, pickTreeQuirks } from '../../../src/installers/anaconda/quirks.js';
import { parseTreeInfo } from '../../../src/installers/anaconda/treeinfo.js';
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

describe('pickTreeQuirks', () => {
  const tree = (extra: string) =>
    parseTreeInfo(`[release]\nname = Foo Linux\nversion = 3\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\n${extra}`, 'x86_64');

  it('takes the Anaconda a [kiln] section names, without a warning', () => {
    const { quirks, warning } = pickTreeQuirks(tree('[kiln]\nanaconda_family = Red Hat Enterprise Linux\nanaconda_version = 6\n'));
    expect(warning).toBeUndefined();
    expect(quirks).toMatchObject({ family: 'rhel', from: 6, repo: 'repo' });
  });

  it.each([
    ['no [kiln] section', ''],
    ['a [kiln] section without a version', '[kiln]\nanaconda_family = Fedora\n'],
  ])('falls back to the release with %s (and warns about an unknown one)', (_name, extra) => {
    const { quirks, warning } = pickTreeQuirks(tree(extra));
    expect(quirks).toMatchObject({ family: 'fedora', from: 18 });
    expect(warning).toContain("'Foo Linux 3' is not in kiln's Anaconda table");
  });

  it('uses the release of a tree without [kiln]', () => {
    expect(pickTreeQuirks(parseTreeInfo('[general]\nfamily = Fedora\nversion = 17\n[images-x86_64]\nkernel = k\n', 'x86_64'))).toEqual({ quirks: pickQuirks('Fedora', '17').quirks });
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
