import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { readTdl } from '../../../src/template/tdl/read.js';
import { parseDiskSize } from '../../../src/template/tdl/os.js';
import { formatDiagnostic } from '../../../src/template/kickstart/diagnostics.js';

const DIR = join(PROJECT_ROOT, 'test/fixtures/tdl');

describe('valid TDLs', () => {
  it('reads every part of fedora-19-cloud.tdl', async () => {
    const { tdl, diagnostics } = readTdl(await readFile(join(DIR, 'fedora-19-cloud.tdl'), 'utf8'), 'fedora-19-cloud.tdl');
    expect(diagnostics).toEqual([]);
    expect(tdl).toMatchObject({
      schemaVersion: '1.0',
      name: 'fedora-19-cloud',
      description: 'Fedora 19 with cloud-init, built from an Oz TDL',
      os: { name: 'Fedora', version: '19', family: 'fedora', release: '19', arch: 'x86_64', rootpw: 'ozrootpw', kernelparam: 'inst.sshd ip=dhcp', icicleExtraCommand: "rpm -qa --qf '%{NAME},%{VERSION}\\n'" },
      install: { type: 'url', url: 'http://archives.fedoraproject.org/pub/archive/fedora/linux/releases/19/Fedora/x86_64/os/', line: 10 },
      diskSizeBytes: 6 * 2 ** 30,
      repositories: [
        { name: 'updates', signed: true, persisted: true, sslverify: undefined, line: 23 },
        { name: 'local', url: 'https://repo.example.com/f19/', signed: false, persisted: false, sslverify: false, line: 27 },
      ],
      packages: [{ name: 'cloud-init', line: 34 }, { name: 'httpd' }, { name: '@development-tools' }],
      lines: { 'os/arch': 9, 'disk/size': 20 },
    });
    // Commands run by position, not document order; CDATA and entities are decoded.
    expect(tdl!.commands.map((c) => [c.name, c.content])).toEqual([['hostname', 'echo kiln-f19 > /etc/hostname'], ['enable-httpd', 'systemctl enable httpd.service']]);
    expect(tdl!.files[2]!.content).toBe('#!/bin/sh\n%end is not a section here\necho "<tricky> & \'quoted\'"');
  });

  it('reads RHEL-7 with a minor release and maps i386 to i686', async () => {
    const { tdl, diagnostics } = readTdl(await readFile(join(DIR, 'rhel-7.tdl'), 'utf8'), 'rhel-7.tdl');
    expect(diagnostics).toEqual([]);
    expect(tdl!.os).toMatchObject({ family: 'rhel', release: '7.4', arch: 'i686', archAsWritten: 'i386' });
    expect(tdl!.precommands.map((c) => c.name)).toEqual(['import-key']);
  });

  it('reads an ISO install with its checksum and extras', async () => {
    const { tdl } = readTdl(await readFile(join(DIR, 'fedora-iso.tdl'), 'utf8'), 'fedora-iso.tdl');
    expect(tdl!.install).toEqual({
      type: 'iso',
      iso: 'http://mirror.example.com/Fedora-20-x86_64-DVD.iso',
      checksum: { algorithm: 'sha256', value: 'http://mirror.example.com/Fedora-20-x86_64-CHECKSUM' },
      extras: [{ kind: 'file', source: 'http://mirror.example.com/ks.cfg', destination: '/ks.cfg' }],
      line: 7,
    });
  });
});

/** A minimal valid TDL whose <os> lines are 3–7; `extra` goes after </os> (line 8 onwards). */
function tdl(os: { name?: string; version?: string; arch?: string; install?: string } = {}, extra = '', attrs = ''): string {
  return [
    `<template${attrs}>`,
    '  <name>t</name>',
    '  <os>',
    `    <name>${os.name ?? 'Fedora'}</name><version>${os.version ?? '30'}</version>`,
    `    <arch>${os.arch ?? 'x86_64'}</arch>`,
    `    ${os.install ?? "<install type='url'><url>http://x/os/</url></install>"}`,
    '  </os>',
    extra,
    '</template>',
  ].join('\n');
}

describe('invalid TDLs: Oz\'s schema and checks, with the element\'s line', () => {
  it.each([
    ['not XML', '<template><name>x</template>', 1, "not well-formed XML: Expected closing tag 'name' (opened in line 1, col 11) instead of closing tag 'template'."],
    ['wrong root', '<image><name>x</name></image>', 1, 'the root element is <image>; a TDL starts with <template>'],
    ['missing <os>', '<template>\n<name>x</name>\n</template>', 1, '<template> is missing <os>'],
    ['missing arch', tdl({ arch: '' }).replace('<arch></arch>', ''), 3, '<os> is missing <arch>'],
    ['two names', tdl({}, '  <name>again</name>'), 8, '<template> may hold only 1 <name>; this is another one'],
    ['unknown element', tdl({}, '  <pakages/>'), 8, 'unexpected element <pakages> in <template> (did you mean packages?)'],
    ['unknown arch', tdl({ arch: 'sparc64' }), 5, "<os/arch>: unknown architecture 'sparc64' (expected x86_64 or i386)"],
    ['arch Oz knows but kiln does not build', tdl({ arch: 'aarch64' }), 5, '<os/arch>: kiln builds x86_64 and i686 (i386) guests, not aarch64'],
    ['unsupported OS', tdl({ name: 'Ubuntu', version: '22.04' }), 4, "<os/name>: kiln installs Fedora, RHEL-N, CentOS-N and Debian guests; 'Ubuntu' is not one of them"],
    ['Windows', tdl({ name: 'Windows', version: '2019' }), 4, '<os/name>: Windows TDLs are refused by design: kiln drives Linux installers (kickstart, preseed), not Windows setup with answer files and product keys'],
    ['bad install type', tdl({ install: "<install type='pxe'><url>http://x/</url></install>" }), 6, "<os/install>: type='pxe' must be one of url, iso"],
    ['url install without url', tdl({ install: "<install type='url'></install>" }), 6, "<os/install type='url'> needs <url>"],
    ['iso element in a url install', tdl({ install: "<install type='url'><url>http://x/</url><iso>http://x.iso</iso></install>" }), 6, "<os/install type='url'>: <iso> belongs to type='iso'"],
    ['two checksums', tdl({ install: "<install type='iso'><iso>http://x.iso</iso><md5sum>a</md5sum><sha1sum>b</sha1sum></install>" }), 6, '<os/install>: only one of <md5sum>, <sha1sum> and <sha256sum> may be given'],
    ['package without name', tdl({}, '  <packages><package/></packages>'), 8, "<packages/package>: the 'name' attribute is required"],
    ['duplicate repository', tdl({}, "  <repositories>\n    <repository name='r'><url>http://a/</url></repository>\n    <repository name='r'><url>http://b/</url></repository>\n  </repositories>"), 10, "<repositories/repository> 'r' is defined twice (first on line 9)"],
    ['bad boolean', tdl({}, "  <repositories><repository name='r'><url>http://a/</url><signed>maybe</signed></repository></repositories>"), 8, "<repositories/repository/signed>: 'maybe' is not true, false, yes or no"],
    ['repository without url', tdl({}, "  <repositories><repository name='r'/></repositories>"), 8, '<repositories/repository> is missing <url>'],
    ['file type', tdl({}, "  <files><file name='/a' type='gzip'>x</file></files>"), 8, "<files/file>: type='gzip' must be one of raw, base64, url"],
    ['bad base64', tdl({}, "  <files><file name='/a' type='base64'>not*base64</file></files>"), 8, "<files/file name='/a'>: content is not base64 (A–Z, a–z, 0–9, +, / and = padding)"],
    ['base64 command that does not decode', tdl({}, "  <commands><command name='c' type='base64'>ZWNobyBoaQ</command></commands>"), 8, "<commands/command name='c'>: content is not base64: its length does not fit the = padding, so it cannot be decoded"],
    ['base64 command on its own lines', tdl({}, "  <commands><command name='c' type='base64'>\nZWNobyBoaQ==\n</command></commands>"), 8, "<commands/command name='c'>: base64 content must be written without blanks or line breaks around or inside it (Oz's schema)"],
    ['repository on localhost', tdl({}, "  <repositories><repository name='local'><url>http://localhost/repo/</url></repository></repositories>"), 8, "<repositories/repository name='local'>: Oz refuses a repository on localhost, which the guest cannot reach; give an address of this host the guest can reach (e.g. 10.0.2.2 for user networking)"],
    ['repository on 127.0.0.1', tdl({}, "  <repositories><repository name='local'><url>http://127.0.0.1/repo/</url></repository></repositories>"), 8, "<repositories/repository name='local'>: Oz refuses a repository on 127.0.0.1, which the guest cannot reach; give an address of this host the guest can reach (e.g. 10.0.2.2 for user networking)"],
    ['client certificate Oz does not know', tdl({}, "  <repositories><repository name='r'><url>http://a/</url><clientcert>c</clientcert></repository></repositories>"), 8, 'unexpected element <clientcert> in <repositories/repository>'],
    ['empty extras', tdl({ install: "<install type='iso'><iso>http://x.iso</iso><extras/></install>" }), 6, '<os/install/extras> must hold at least one of <directory>, <file>'],
    ['url in an iso install', tdl({ install: "<install type='iso'><iso>http://x.iso</iso><url>http://x/</url></install>" }), 6, "<os/install type='iso'>: <url> belongs to type='url'"],
    ['boolean with blanks', tdl({}, "  <repositories><repository name='r'><url>http://a/</url><signed> yes</signed></repository></repositories>"), 8, "<repositories/repository/signed>: ' yes' is not true, false, yes or no (Oz takes no blanks around it)"],
    ['empty command', tdl({}, "  <commands><command name='c'>  </command></commands>"), 8, "<commands/command name='c'>: empty commands are not allowed"],
    ['mixed positions', tdl({}, "  <commands>\n    <command name='a' position='1'>a</command>\n    <command name='b'>b</command>\n  </commands>"), 10, '<commands>: give every command a position (explicit order) or none (document order)'],
    ['sparse positions', tdl({}, "  <commands>\n    <command name='a' position='1'>a</command>\n    <command name='b' position='3'>b</command>\n  </commands>"), 10, '<commands>: positions must run 1, 2, 3 … without gaps or duplicates; found 3 where 2 was expected'],
    ['disk size unit', tdl({}, '  <disk>\n    <size>10 parsecs</size>\n  </disk>'), 9, "<disk/size>: '10 parsecs' is not a size; use an integer with an optional unit (10G, 16GiB, 10TB), no blanks around it"],
    ['newer schema', tdl({}, '', " version='2.0'"), 1, "<template version='2.0'>: Oz's schema (and kiln) know only version 1.0"],
    ['older schema', tdl({}, '', " version='0.9'"), 1, "<template version='0.9'>: Oz's schema (and kiln) know only version 1.0"],
    ['i686 is no arch of Oz', tdl({ arch: 'i686' }), 5, "<os/arch>: Oz's schema spells it 'i386', not 'i686'"],
    ['amd64 is no arch of Oz', tdl({ arch: 'amd64' }), 5, "<os/arch>: Oz's schema spells it 'x86_64', not 'amd64'"],
    ['unknown attribute', tdl({}, "  <files><file name='/a' mode='0600'>x</file></files>"), 8, "<files/file>: unknown attribute 'mode'"],
  ])('%s', (_name, xml, line, message) => {
    const { tdl: result, diagnostics } = readTdl(xml, 't.tdl');
    expect(result).toBeUndefined();
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toContain(`t.tdl:${line}: ${message}`);
  });

  it('duplicate packages are a warning', () => {
    const { diagnostics } = readTdl(tdl({}, "  <packages>\n    <package name='vim'/>\n    <package name='vim'/>\n  </packages>"), 't.tdl');
    expect(diagnostics.map(formatDiagnostic)).toEqual(["t.tdl:10: warning: <packages/package> 'vim' is defined twice (first on line 9)"]);
  });
});

describe("Oz's disk sizes", () => {
  it.each([
    ['10', 10 * 2 ** 30],
    ['10G', 10 * 2 ** 30],
    ['1T', 2 ** 40],
    ['16GiB', 16 * 2 ** 30],
    ['10GB', 10 * 10 ** 9],
    ['512 MiB', 512 * 2 ** 20],
    ['2tb', 2 * 10 ** 12],
    ['10 parsecs', undefined],
    ['G', undefined],
    ['0', undefined],
  ])('%s', (text, bytes) => {
    expect(parseDiskSize(text)).toBe(bytes);
  });
});
