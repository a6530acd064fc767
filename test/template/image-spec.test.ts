import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { collect } from '../../src/core/events.js';
import { resolveImageSpec, normalizeArch } from '../../src/template/image-spec.js';
import { renderKickstart } from '../../src/template/kickstart/document.js';
import { expectGolden } from './golden.js';

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures');
let tmp: string;
let server: Server;
let base: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kiln-spec-'));
  server = createServer((req, res) => {
    res.writeHead(req.url === '/motd' ? 200 : 404);
    res.end(req.url === '/motd' ? 'fetched on the host\n' : '');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  await rm(tmp, { recursive: true, force: true });
});

const quiet = () => collect().emit;

describe('TDL → image spec (golden kickstarts)', () => {
  it('fedora-19-cloud.tdl', async () => {
    const spec = await resolveImageSpec({ file: 'tdl/fedora-19-cloud.tdl', cwd: FIXTURES, emit: quiet() });
    expect({ ...spec, kickstart: undefined }).toEqual({
      name: 'fedora-19-cloud',
      version: '19',
      description: 'Fedora 19 with cloud-init, built from an Oz TDL',
      family: 'fedora',
      release: '19',
      syntax: 'F19',
      arch: 'x86_64',
      tree: 'http://archives.fedoraproject.org/pub/archive/fedora/linux/releases/19/Fedora/x86_64/os/',
      diskSizeBytes: 6 * 2 ** 30,
      // Fedora 19's cloud images boot BIOS only (hybrid from 35: guest-templates/templates.json).
      firmware: 'bios',
      rootPassword: 'ozrootpw',
      kernelParams: ['inst.sshd', 'ip=dhcp'],
      source: { kind: 'tdl', path: 'tdl/fedora-19-cloud.tdl' },
      icicleExtraCommand: "rpm -qa --qf '%{NAME},%{VERSION}\\n'",
      warnings: ["tdl/fedora-19-cloud.tdl:23: repository 'updates': <signed> has no kickstart equivalent; package signatures follow the repository's own settings"],
      kickstart: undefined,
    });
    await expectGolden('tdl/fedora-19-cloud.ks', renderKickstart(spec.kickstart));
  });

  it('rhel-7.tdl (RHEL-7 update 4, i386)', async () => {
    const { emit, events } = collect();
    const spec = await resolveImageSpec({ file: 'tdl/rhel-7.tdl', cwd: FIXTURES, emit });
    expect(spec).toMatchObject({ family: 'rhel', release: '7.4', syntax: 'RHEL7', arch: 'i686', tree: 'http://mirror.example.com/rhel/7.4/os/i386/' });
    expect(spec.warnings).toEqual([
      "tdl/rhel-7.tdl:15: package 'ntp': <repository> is ignored; %packages installs by name from the configured repositories",
      'tdl/rhel-7.tdl:12: <precommands> run in %post, after %packages (a kickstart installs packages first)',
    ]);
    expect(events.filter((e) => e.type === 'message').map((e) => e.type === 'message' && e.text)).toEqual(spec.warnings);
    await expectGolden('tdl/rhel-7.ks', renderKickstart(spec.kickstart));
  });

  it('a TDL plus a user kickstart: the kickstart wins and every override is reported', async () => {
    const spec = await resolveImageSpec({ file: 'tdl/fedora-19-cloud.tdl', kickstart: 'tdl/fedora-overlay.ks', cwd: FIXTURES, emit: quiet() });
    expect(spec.rootPassword).toBeUndefined();
    expect(spec.warnings.slice(1)).toEqual([
      "tdl/fedora-overlay.ks:2: 'rootpw --iscrypted $6$override$hash' overrides 'rootpw --plaintext ozrootpw' (tdl/fedora-19-cloud.tdl:13)",
      "tdl/fedora-overlay.ks:3: 'part / --fstype=xfs --size=4096 --grow' overrides 'part / --fstype=ext4 --size=2048 --grow' (fedora-cloud@19.ks:13)",
      "tdl/fedora-overlay.ks:4: 'repo --name=updates --baseurl=http://mirror.example.com/f19-updates/' overrides 'repo --name=updates --baseurl=http://archives.fedoraproject.org/pub/archive/fedora/linux/updates/19/x86_64/' (tdl/fedora-19-cloud.tdl:23)",
      "tdl/fedora-overlay.ks:5: 'timezone --utc Europe/Prague' overrides 'timezone --utc Etc/UTC' (fedora-cloud@19.ks:6)",
      "tdl/fedora-overlay.ks:8: '-httpd' removes 'httpd' that fedora-cloud@19.ks installs",
    ]);
    await expectGolden('tdl/fedora-19-cloud+overlay.ks', renderKickstart(spec.kickstart));
  });

  it('url-type files are fetched on the host and embedded', async () => {
    const file = join(tmp, 'url.tdl');
    await writeFile(file, `<template><name>u</name><os><name>Fedora</name><version>30</version><arch>x86_64</arch><install type='url'><url>http://x/os/</url></install></os>
<files><file name='/etc/motd' type='url'>${base}/motd</file></files></template>`);
    const spec = await resolveImageSpec({ file, cwd: tmp, emit: quiet() });
    expect(renderKickstart(spec.kickstart)).toContain("cat > '/etc/motd' <<'KILN_FILE_1'\nfetched on the host\nKILN_FILE_1");
  });

  it.each([
    ['tdl/fedora-iso.tdl', {}, { code: 'TDL_ISO_UNSUPPORTED', source: { file: 'tdl/fedora-iso.tdl', line: 7 } }],
  ])('%s without --tree: kiln needs a tree', async (file, extra, expected) => {
    await expect(resolveImageSpec({ file, cwd: FIXTURES, emit: quiet(), ...extra })).rejects.toMatchObject(expected);
  });

  it('an ISO TDL with --tree installs from the tree, with a warning', async () => {
    const spec = await resolveImageSpec({ file: 'tdl/fedora-iso.tdl', tree: 'http://mirror/f20/os/', cwd: FIXTURES, emit: quiet() });
    expect(spec.tree).toBe('http://mirror/f20/os/');
    expect(spec.warnings[0]).toContain("the TDL's ISO install is ignored; installing from --tree http://mirror/f20/os/");
  });
});

describe('kickstart and template inputs', () => {
  it('a kickstart file: syntax from its #version line, tree from its url command', async () => {
    const spec = await resolveImageSpec({ kickstart: 'kickstarts/rhel7-server.ks', arch: 'amd64', diskSize: '8G', cwd: FIXTURES, emit: quiet() });
    expect(spec).toMatchObject({ name: 'rhel7-server', family: 'rhel', syntax: 'RHEL7', arch: 'x86_64', diskSizeBytes: 8 * 2 ** 30, tree: 'http://mirror.example.com/centos/7/os/x86_64/', source: { kind: 'kickstart', path: 'kickstarts/rhel7-server.ks' } });
  });

  it('includes are flattened into the spec', async () => {
    const spec = await resolveImageSpec({ file: 'kickstarts/fedora-live-workstation.ks', syntax: 'F38', cwd: FIXTURES, emit: quiet() });
    expect(spec.kickstart.nodes.some((n) => n.kind === 'include')).toBe(false);
    expect(spec.warnings).toEqual(['kickstarts/fedora-live-workstation.ks:5: part: mount point / was already defined by part on kickstarts/fedora-live-base.ks:10']);
  });

  it('--template fedora-cloud --release 19 with a liveimg payload', async () => {
    const spec = await resolveImageSpec({ template: 'fedora-cloud', release: '19', arch: 'i386', variables: { liveimg_url: 'http://10.0.2.2/rootfs.tar.xz' }, cwd: tmp, emit: quiet() });
    expect(spec).toMatchObject({ name: 'fedora-cloud-19', family: 'fedora', syntax: 'F19', arch: 'i686', source: { kind: 'template', path: 'guest-templates/fedora-cloud.ks' }, warnings: [] });
    expect(renderKickstart(spec.kickstart)).toContain('liveimg --url=http://10.0.2.2/rootfs.tar.xz\n');
  });

  it('--template centos-cloud has family centos', async () => {
    const spec = await resolveImageSpec({ template: 'centos-cloud', release: '7', cwd: tmp, emit: quiet() });
    expect(spec).toMatchObject({ family: 'centos', syntax: 'RHEL7' });
  });

  it('a broken kickstart fails before anything boots, with every finding in details', async () => {
    const error = await resolveImageSpec({ kickstart: 'kickstarts/broken/unknown-option.ks', syntax: 'F19', cwd: FIXTURES, emit: quiet() }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'KS_INVALID',
      message: 'part: unknown option --sise (did you mean --size?)',
      source: { file: 'kickstarts/broken/unknown-option.ks', line: 5 },
      details: ['kickstarts/broken/unknown-option.ks:5: part: unknown option --sise (did you mean --size?)'],
    });
  });

  it('an empty kickstart fails before anything boots: it says what an unattended install lacks', async () => {
    const file = join(tmp, 'empty.ks');
    await writeFile(file, '#version=F38\n');
    const error = await resolveImageSpec({ kickstart: file, cwd: tmp, emit: quiet() }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'KS_INVALID',
      message: 'unattended install: no partitioning: an unattended install stops at the storage screen; add autopart, or part/logvol/btrfs commands with a / mount point (and 1 more error)',
      details: [
        `${file}: unattended install: no partitioning: an unattended install stops at the storage screen; add autopart, or part/logvol/btrfs commands with a / mount point`,
        `${file}: unattended install: no rootpw and no unlocked user in the wheel group: an unattended install stops at the root password screen; add rootpw (or rootpw --lock with a wheel user)`,
      ],
    });
  });

  it('a broken TDL is TDL_INVALID with the element line', async () => {
    const file = join(tmp, 'bad.tdl');
    await writeFile(file, '<template>\n  <name>x</name>\n  <os><name>Fedora</name><version>30</version><arch>sparc</arch><install type="url"><url>http://x/</url></install></os>\n</template>\n');
    await expect(resolveImageSpec({ file, cwd: tmp, emit: quiet() })).rejects.toMatchObject({ code: 'TDL_INVALID', source: { file, line: 3 } });
  });

  it.each([
    [{ template: 'nope', release: '1' }, 'TEMPLATE_UNKNOWN'],
    [{ template: 'fedora-cloud' }, 'USAGE'],
    [{ template: 'debian-cloud', release: '12' }, 'TEMPLATE_UNSUPPORTED'],
    [{}, 'USAGE'],
    [{ kickstart: 'k.ks', arch: 'sparc' }, 'USAGE'],
    [{ kickstart: 'missing.ks' }, 'INPUT_READ'],
    [{ kickstart: 'kickstarts/rhel6-minimal.ks', syntax: 'F2' }, 'USAGE'],
  ])('%j → %s', async (input, code) => {
    await expect(resolveImageSpec({ ...input, cwd: FIXTURES, emit: quiet() })).rejects.toMatchObject({ code });
  });
});

describe('normalizeArch', () => {
  it.each([
    ['i386', 'i686'],
    ['i486', 'i686'],
    ['i586', 'i686'],
    ['i686', 'i686'],
    ['amd64', 'x86_64'],
    ['x86_64', 'x86_64'],
  ])('%s → %s', (a, b) => expect(normalizeArch(a)).toBe(b));
});
