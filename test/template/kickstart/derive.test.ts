import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { deriveInstallKickstart } from '../../../src/template/kickstart/derive.js';
import { loadKickstartFile } from '../../../src/template/kickstart/include.js';
import { manifestPostSection } from '../../../src/installers/anaconda/manifest.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { validateKickstart } from '../../../src/template/kickstart/validate.js';
import { resolveSyntaxVersion } from '../../../src/template/kickstart/versions.js';
import { expectGolden } from '../golden.js';

const DIR = join(PROJECT_ROOT, 'test/fixtures/kickstarts');
const flat = async (file: string) => (await loadKickstartFile(file, { cwd: DIR })).flat;

describe('deriveInstallKickstart (golden files)', () => {
  it.each([
    ['kiln-liveimg.ks', 'F35', { posts: [manifestPostSection()] }, []],
    [
      'fedora-cloud-base.ks',
      'F21',
      { posts: [manifestPostSection()], rootPassword: 'kiln' },
      [
        "fedora-cloud-base.ks:28: replaced 'reboot' with 'poweroff': kiln captures the disk when the guest powers off",
        "fedora-cloud-base.ks:10: rootpw replaced by the template's root password",
      ],
    ],
    [
      'rhel7-server.ks',
      'RHEL7',
      { rootPassword: { value: '$6$salt$hash', crypted: true } },
      [
        "rhel7-server.ks:25: replaced 'reboot' with 'poweroff': kiln captures the disk when the guest powers off",
        "rhel7-server.ks:14: rootpw replaced by the template's root password",
      ],
    ],
    [
      'fedora-live-workstation.ks',
      'F38',
      {},
      [
        "fedora-live-base.ks:14: replaced 'shutdown' with 'poweroff': kiln captures the disk when the guest powers off",
        "added 'text': the install guest has no display",
      ],
    ],
  ])('%s', async (file, syntax, options, warnings) => {
    const derived = deriveInstallKickstart(await flat(file), options);
    expect(derived.warnings).toEqual(warnings);
    await expectGolden(`derive/${file.replace(/\.ks$/, '')}.ks`, derived.text);
    await expectGolden(`derive/${file.replace(/\.ks$/, '')}.redacted.ks`, derived.redactedText);
    // What kiln boots must itself be a valid kickstart.
    const again = validateKickstart(parseKickstart(derived.text, 'derived.ks').doc, resolveSyntaxVersion(syntax).version);
    expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('replaces graphical, keeps cmdline, adds poweroff, warns once per change', () => {
    const g = deriveInstallKickstart(parseKickstart('graphical\nhalt --eject\n', 'g.ks').doc);
    expect(g.text).toBe('text\npoweroff --eject\n');
    expect(g.warnings).toEqual([
      "g.ks:2: replaced 'halt' with 'poweroff': kiln captures the disk when the guest powers off",
      "g.ks:1: replaced 'graphical' with 'text': the install guest has no display",
    ]);
    const c = deriveInstallKickstart(parseKickstart('cmdline\npoweroff\n', 'c.ks').doc);
    expect(c.text).toBe('cmdline\npoweroff\n');
    expect(c.warnings).toEqual([]);
    const none = deriveInstallKickstart(parseKickstart('lang en_US\n\n%post\n%end\n', 'n.ks').doc);
    expect(none.text).toBe('lang en_US\npoweroff\ntext\n\n%post\n%end\n');
  });

  it('redacts root, user and ssh passwords and LUKS passphrases, nothing else', () => {
    const d = deriveInstallKickstart(parseKickstart('text\npoweroff\nrootpw --plaintext "top secret"\nuser --name=bob --password=hunter2 --groups=wheel\nsshpw --username=root --plaintext sshsecret\npart / --size=1 --encrypted --passphrase luks\n', 'r.ks').doc);
    expect(d.redactedText).toBe('text\npoweroff\nrootpw --plaintext REDACTED\nuser --name=bob --password=REDACTED --groups=wheel\nsshpw --username=root --plaintext REDACTED\npart / --size=1 --encrypted --passphrase REDACTED\n');
    for (const secret of ['top secret', 'hunter2', 'sshsecret', 'luks']) expect(d.redactedText).not.toContain(secret);
  });

  it('rewrites URLs for the guest when asked, leaving the source document alone', async () => {
    const source = await flat('kiln-liveimg.ks');
    const d = deriveInstallKickstart(source, { mapUrl: (u) => u.replace('10.0.2.2:8080', '10.0.2.2:39001') });
    expect(d.text).toContain('liveimg --url=http://10.0.2.2:39001/rootfs.tar.xz --checksum=5f70bf18');
    expect(JSON.stringify(source)).toContain('10.0.2.2:8080');
  });

  it('refuses a kickstart with %include still unresolved', () => {
    expect(() => deriveInstallKickstart(parseKickstart('%include part.ks\n', 'i.ks').doc)).toThrow(/still unresolved/);
  });
});
