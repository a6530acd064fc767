import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { KilnError } from '../../../src/core/errors.js';
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

  it('keeps an %include the installer reads (a file %pre writes) as written', async () => {
    const file = 'pre-include.ks';
    const loaded = await loadKickstartFile(file, { cwd: DIR });
    expect(loaded.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    const derived = deriveInstallKickstart(loaded.flat, { posts: [manifestPostSection()] });
    expect(derived.text).toMatch(/^%include \/tmp\/part-include$/m);
    expect(derived.warnings).toEqual([
      "pre-include.ks:9: replaced 'reboot' with 'poweroff': kiln captures the disk when the guest powers off",
      "added 'text': the install guest has no display",
    ]);
    await expectGolden('derive/pre-include.ks', derived.text);
  });

  it.each([
    ['/tmp/part-include', '%pre\n%end\n'],
    ['/run/install/repo/extra.ks', ''],
    ['/usr/share/anaconda/interactive-defaults.ks', ''],
    ['/root/written-by-pre.ks', '%pre\n%end\n'],
  ])('keeps an include of %s (installer side)', (target, pre) => {
    const d = deriveInstallKickstart(parseKickstart(`${pre}%include ${target}\ntext\npoweroff\n`, 'i.ks').doc);
    expect(d.text).toContain(`%include ${target}\n`);
  });

  it.each([
    ['a relative path the flattener should have read', '%include part.ks\n', 1],
    ['an absolute path of this host without %pre', 'text\n%include /root/part.ks\n', 2],
    ['an absolute path when only %pre-install (run after the parse) could write it', '%pre-install\n%end\n%include /root/part.ks\n', 3],
    ['an http URL', '%include http://10.0.2.2:8080/part.ks\n', 1],
    ['%ksappend (read before %pre runs)', '%ksappend /tmp/more.ks\n', 1],
  ])('any other include left is a kiln bug: %s', (_name, text, line) => {
    const error = (() => {
      try {
        deriveInstallKickstart(parseKickstart(text, 'i.ks').doc);
      } catch (e) {
        return e as KilnError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(KilnError);
    expect(error.code).toBe('KS_NOT_FLAT');
    expect(error.fault).toBe('kiln');
    expect(error.source).toEqual({ file: 'i.ks', line });
    // The location is the error's source, printed once in front of the message by the CLI.
    expect(error.message).not.toMatch(/i\.ks/);
    expect(error.message).toMatch(/^%(include|ksappend) \S+ is still unresolved/);
    expect(error.hint).not.toMatch(/resolveImageSpec|[a-z][A-Z]\w*\(/);
  });
});
