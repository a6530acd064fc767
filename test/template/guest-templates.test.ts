import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GUEST_TEMPLATES_DIR, listGuestTemplates, renderGuestTemplate } from '../../src/template/guest-templates.js';
import { parseKickstart } from '../../src/template/kickstart/parse.js';
import { validateKickstart } from '../../src/template/kickstart/validate.js';
import { syntaxForRelease } from '../../src/template/kickstart/versions.js';
import { formatDiagnostic } from '../../src/template/kickstart/diagnostics.js';
import { validatePreseed } from '../../src/template/preseed.js';
import { findCommands } from '../../src/template/kickstart/edit.js';
import { expectGolden } from './golden.js';

const templates = await listGuestTemplates();

/** Every (template, release) pair a template claims. */
const claims = templates.flatMap((t) => {
  const out: Array<[string, string]> = [];
  for (let r = t.releases[0]; r <= t.releases[1]; r++) out.push([t.name, String(r)]);
  return out;
});

async function check(name: string, release: string, variables: Record<string, string> = {}, arch: 'x86_64' | 'i686' = 'x86_64') {
  const r = await renderGuestTemplate(name, { release, arch, variables });
  if (r.info.kind === 'preseed') return { r, diagnostics: validatePreseed(r.text, `${name}@${release}`) };
  const { doc, diagnostics: parse } = parseKickstart(r.text, `${name}@${release}.ks`);
  const syntax = syntaxForRelease(r.info.family, release)!;
  expect(syntax.warning).toBeUndefined();
  // Templates are what `kiln build` installs, unattended, from the tree it boots the installer with.
  return { r, doc, diagnostics: [...parse, ...validateKickstart(doc, syntax.version, { unattended: {} }).diagnostics] };
}

/** The commands the Anaconda test double understands (issue 3); templates must stay inside them. */
const TEST_DOUBLE_COMMANDS = ['text', 'cmdline', 'lang', 'keyboard', 'timezone', 'network', 'selinux', 'firewall', 'services', 'user', 'zerombr', 'clearpart', 'part', 'autopart', 'bootloader', 'rootpw', 'liveimg', 'url', 'repo', 'poweroff', 'shutdown', 'reboot', 'halt'];

describe('every shipped template renders and validates clean for every release it claims', () => {
  it.each(claims)('%s release %s', async (name, release) => {
    const { diagnostics } = await check(name, release);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it.each(claims.filter(([n]) => n !== 'debian-cloud'))('%s release %s for i686 with a root password and extra packages', async (name, release) => {
    const { diagnostics, r } = await check(name, release, { root_password: 'pa ss#1', extra_packages: 'vim-minimal, tmux', boot_size: '512' }, 'i686');
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.text).toContain('rootpw --plaintext "pa ss#1"');
    expect(r.text).toContain('vim-minimal\ntmux\n%end');
  });

  it.each(claims.filter(([n, r]) => n === 'fedora-cloud' || (n !== 'debian-cloud' && Number(r) >= 7)))('%s release %s with a liveimg payload instead of packages', async (name, release) => {
    const { diagnostics, doc, r } = await check(name, release, { liveimg_url: 'http://10.0.2.2:8080/rootfs.tar.xz', liveimg_checksum: 'a'.repeat(64) });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.text).not.toContain('%packages');
    const used = doc!.nodes.flatMap((n) => (n.kind === 'command' ? [n.name] : []));
    expect(used.filter((c) => !TEST_DOUBLE_COMMANDS.includes(c))).toEqual([]);
    expect(findCommands(doc!, 'liveimg')).toHaveLength(1);
  });

  it('RHEL 6 has no liveimg: the rendered kickstart says so', async () => {
    const { diagnostics } = await check('rhel-cloud', '6', { liveimg_url: 'http://x/rootfs.tar.xz' });
    expect(diagnostics.map(formatDiagnostic)).toEqual(['rhel-cloud@6.ks:16: liveimg: the command is not available in syntax RHEL6 (added in RHEL7)']);
  });

  it.each([
    ['fedora-cloud', '19', {}],
    ['fedora-cloud', '40', { liveimg_url: 'http://10.0.2.2:8080/rootfs.tar.xz', liveimg_checksum: 'sha256:' + 'ab'.repeat(32), kernel_append: 'console=ttyS0,115200n8 quiet' }],
    ['rhel-cloud', '6', { tree_url: 'http://mirror.example.com/centos/6/os/x86_64/' }],
    ['centos-cloud', '9', {}],
    ['debian-cloud', '12', { root_password: 'kiln' }],
  ])('golden: %s %s %j', async (name, release, variables) => {
    const r = await renderGuestTemplate(name, { release, variables });
    await expectGolden(`templates/${name}-${release}${Object.keys(variables).length ? '-vars' : ''}.${r.info.kind === 'preseed' ? 'preseed' : 'ks'}`, r.text);
  });
});

/** guest-templates/README.md, as a user reads it: the table of templates and the variables tables. */
const README = await readFile(join(GUEST_TEMPLATES_DIR, 'README.md'), 'utf8');
const documented = [...README.matchAll(/^\| `([a-z0-9-]+)` \| `[^`]+` \| \w+ \| (\d+) … (\d+) \|/gm)].map((m) => ({ name: m[1]!, first: Number(m[2]), last: Number(m[3]) }));

/** The rows of the variables table under `heading`: name → documented default ('' for *(empty)*). */
function documentedDefaults(heading: string): Record<string, string> {
  const section = README.slice(README.indexOf(heading)).split(/\n## /)[0]!;
  return Object.fromEntries([...section.matchAll(/^\| `(\w+)` \| (?:`([^`]*)`|\*\(empty\)\*) \|/gm)].map((m) => [m[1]!, m[2] ?? '']));
}

describe('the templates README.md documents', () => {
  it('are the templates kiln ships, no more and no fewer', () => {
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.map((d) => d.name).sort()).toEqual(templates.map((t) => t.name).sort());
  });

  it.each(documented.map((d) => [d.name, d]))('%s: renders the releases documented and refuses an older one', async (name, d) => {
    for (const release of [d.first, d.last]) expect((await renderGuestTemplate(name, { release: String(release) })).warnings).toEqual([]);
    await expect(renderGuestTemplate(name, { release: String(d.first - 1) })).rejects.toMatchObject({ code: 'TEMPLATE_RELEASE' });
    const newer = renderGuestTemplate(name, { release: String(d.last + 1) });
    // A kickstart renders for a newer release, with a warning; a preseed needs the release's
    // codename, which kiln cannot know for a release newer than its table.
    if (templates.find((t) => t.name === name)!.kind === 'kickstart') expect((await newer).warnings).toHaveLength(1);
    else await expect(newer).rejects.toMatchObject({ code: 'TEMPLATE_RELEASE', message: expect.stringContaining('no codename') });
  });

  it.each([
    ['fedora-cloud', '## Variables of the kickstart templates'],
    ['rhel-cloud', '## Variables of the kickstart templates'],
    ['centos-cloud', '## Variables of the kickstart templates'],
    ['debian-cloud', '## Variables of `debian-cloud`'],
  ])('%s: every documented variable is taken, and setting it to its documented default changes nothing', async (name, heading) => {
    const defaults = documentedDefaults(heading);
    expect(Object.keys(defaults).length).toBeGreaterThan(5);
    const release = String(documented.find((d) => d.name === name)!.last);
    const plain = (await renderGuestTemplate(name, { release })).text;
    for (const [variable, value] of Object.entries(defaults)) {
      expect((await renderGuestTemplate(name, { release, variables: { [variable]: value } })).text, variable).toBe(plain);
    }
  });
});

describe('template errors', () => {
  it.each([
    [() => renderGuestTemplate('fedora-clod', { release: '19' }), { code: 'TEMPLATE_UNKNOWN', message: "unknown guest template 'fedora-clod' (did you mean fedora-cloud?)" }],
    [() => renderGuestTemplate('fedora-cloud', { release: '18' }), { code: 'TEMPLATE_RELEASE', message: 'guest template fedora-cloud supports releases 19…45, not 18' }],
    [() => renderGuestTemplate('fedora-cloud', { release: 'rawhide' }), { code: 'USAGE' }],
    [() => renderGuestTemplate('fedora-cloud', { release: '19', variables: { liveimg: 'x' } }), { code: 'USAGE', message: "guest template fedora-cloud has no variable 'liveimg' (did you mean liveimg_url?)" }],
  ])('%#', async (fn, expected) => {
    await expect(fn()).rejects.toMatchObject(expected);
  });

  it('a release newer than the template claims renders with a warning', async () => {
    const r = await renderGuestTemplate('fedora-cloud', { release: '48' });
    expect(r.warnings).toEqual(['guest template fedora-cloud was written for releases up to 45; rendering it for 48']);
  });
});

describe('boot layouts (the template\'s version table per arch)', () => {
  it.each([
    ['19', 'x86_64', 'bios', 'bios'],
    ['34', 'x86_64', 'bios', 'bios'],
    ['35', 'x86_64', 'hybrid', 'uefi'],
    ['45', 'x86_64', 'hybrid', 'uefi'],
    ['48', 'x86_64', 'hybrid', 'uefi'],
    ['40', 'i686', 'bios', 'bios'],
  ] as const)('fedora-cloud %s %s: %s, installed under %s', async (release, arch, layout, firmware) => {
    const r = await renderGuestTemplate('fedora-cloud', { release, arch });
    expect(r.vars.boot_layout).toBe(layout);
    expect(r.firmware).toBe(firmware);
    expect(r.text.includes('--disklabel=gpt')).toBe(layout !== 'bios');
    expect(r.text.includes('part biosboot')).toBe(layout === 'hybrid');
  });

  it.each([
    ['bios', 'bios', false],
    ['uefi', 'uefi', true],
  ] as const)('boot_layout=%s on Fedora 40 is honoured (installed under %s)', async (layout, firmware, esp) => {
    const r = await renderGuestTemplate('fedora-cloud', { release: '40', variables: { boot_layout: layout } });
    expect(r.firmware).toBe(firmware);
    expect(r.text.includes('part /boot/efi --size=100 --fstype=efi')).toBe(esp);
    expect(r.text).not.toContain('part biosboot');
    expect(r.text).not.toContain('grub2-install');
  });

  it.each([
    [{ release: '40', variables: { boot_layout: 'gpt' } }, "guest template fedora-cloud: boot_layout 'gpt' is not one of bios, hybrid, uefi"],
    [{ release: '40', arch: 'i686' as const, variables: { boot_layout: 'uefi' } }, "guest template fedora-cloud: boot_layout 'uefi' is not for i686: i686 images boot with BIOS only"],
  ])('%j is refused', async (options, message) => {
    await expect(renderGuestTemplate('fedora-cloud', options)).rejects.toMatchObject({ code: 'USAGE', message });
  });

  it('boot_layout=hybrid for i686 is bios, with a warning (one drop spec line for both arches)', async () => {
    const r = await renderGuestTemplate('fedora-cloud', { release: '19', arch: 'i686', variables: { boot_layout: 'hybrid' } });
    expect(r.vars.boot_layout).toBe('bios');
    expect(r.firmware).toBe('bios');
    expect(r.warnings).toEqual(['guest template fedora-cloud: boot_layout hybrid is bios for i686 (i686 images boot with BIOS only)']);
    const x86 = await renderGuestTemplate('fedora-cloud', { release: '19', arch: 'x86_64', variables: { boot_layout: 'hybrid' } });
    expect([x86.vars.boot_layout, x86.firmware]).toEqual(['hybrid', 'uefi']);
  });

  it.each(claims.filter(([n]) => n === 'fedora-cloud').flatMap(([n, r]) => [[n, r, 'hybrid'], [n, r, 'uefi']]))('%s release %s with boot_layout=%s validates clean', async (name, release, layout) => {
    const { diagnostics, r } = await check(name, release, { boot_layout: layout });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    // GPT asked for where the syntax has --disklabel (F21), else Anaconda's own choice under UEFI.
    expect(r.text.includes('--disklabel=gpt')).toBe(Number(release) >= 21);
  });

  it('templates without a version table have no firmware to ask for', async () => {
    expect((await renderGuestTemplate('rhel-cloud', { release: '9' })).firmware).toBeUndefined();
  });
});
