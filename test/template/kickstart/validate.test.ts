import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { loadKickstartFile } from '../../../src/template/kickstart/include.js';
import { validateKickstart } from '../../../src/template/kickstart/validate.js';
import { resolveSyntaxVersion } from '../../../src/template/kickstart/versions.js';
import { formatDiagnostic, type Diagnostic } from '../../../src/template/kickstart/diagnostics.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';

const DIR = join(PROJECT_ROOT, 'test/fixtures/kickstarts');

async function check(file: string, syntax: string): Promise<Diagnostic[]> {
  const loaded = await loadKickstartFile(file, { cwd: DIR });
  return [...loaded.diagnostics, ...validateKickstart(loaded.flat, resolveSyntaxVersion(syntax).version).diagnostics];
}

const lines = (ds: Diagnostic[]) => ds.map(formatDiagnostic);

describe('valid kickstarts in the styles of Fedora, RHEL and kiln', () => {
  it.each([
    ['fedora-cloud-base.ks', 'F21'],
    ['fedora-cloud-base.ks', 'F27'],
    ['fedora-live-workstation.ks', 'F38'],
    ['rhel7-server.ks', 'RHEL7'],
    ['rhel6-minimal.ks', 'RHEL6'],
    ['kiln-liveimg.ks', 'F19'],
    ['kiln-liveimg.ks', 'F46'],
    ['kiln-liveimg.ks', 'RHEL9'],
  ])('%s is valid for %s', async (file, syntax) => {
    const ds = await check(file, syntax);
    expect(lines(ds.filter((d) => d.severity === 'error'))).toEqual([]);
  });

  it('the workstation spin resizes / over its include: a warning naming both files', async () => {
    const ds = await check('fedora-live-workstation.ks', 'F38');
    expect(lines(ds)).toContain('fedora-live-workstation.ks:5: warning: part: mount point / was already defined by part on fedora-live-base.ks:10');
  });
});

// Every broken kickstart with the line and message pykickstart-style validation must give.
describe('broken kickstarts: verdict, line and message', () => {
  it.each([
    ['broken/unknown-command.ks', 'F38', 3, 'unknown command rootpass (did you mean rootpw?)'],
    ['broken/unknown-option.ks', 'F19', 5, 'part: unknown option --sise (did you mean --size?)'],
    ['broken/bad-int.ks', 'F30', 2, "part: --size expects an integer, not '2G'"],
    ['broken/bad-bool.ks', 'F30', 1, "network: --onboot expects yes/no, on/off, true/false or 1/0, not 'maybe'"],
    ['broken/bad-choice.ks', 'F30', 1, "network: --bootproto must be one of dhcp, bootp, static, query, ibft, not 'dhpc' (did you mean dhcp?)"],
    ['broken/missing-end.ks', 'F30', 4, '%post: section does not end with %end (%packages starts on line 7)'],
    ['broken/missing-end-eof.ks', 'F30', 2, '%pre: section does not end with %end (reached the end of the file)'],
    ['broken/include-loop-a.ks', 'F30', 2, '%include: include loop broken/include-loop-a.ks → broken/include-loop-b.ks → broken/include-loop-a.ks'],
    ['broken/include-missing.ks', 'F30', 2, '%include does-not-exist.ks: cannot read broken/does-not-exist.ks: no such file'],
    ['broken/autopart-and-part.ks', 'F30', 5, 'autopart (line 4) cannot be used together with part (line 5)'],
    ['broken/two-rootpw.ks', 'F30', 4, 'rootpw: given again (first on line 2); only one root password may be set'],
    ['broken/two-sources.ks', 'F30', 3, 'only one installation source may be given: url (line 2), liveimg (line 3)'],
    ['broken/removed-command.ks', 'F35', 3, 'authconfig: the command was removed in F35 (validating as F35)'],
    ['broken/removed-install.ks', 'F34', 1, 'install: the command was removed in F34 (validating as F34)'],
    ['broken/option-too-new.ks', 'F36', 1, 'rootpw: --allow-ssh is not available in syntax F36 (added in F37)'],
    ['broken/option-too-new.ks', 'RHEL8', 1, 'rootpw: --allow-ssh is not available in syntax RHEL8 (added in RHEL9)'],
    ['broken/unclosed-quote.ks', 'F30', 2, 'no closing quotation (") on this line'],
    ['broken/line-continuation.ks', 'F30', 2, "line ends with '\\': kickstart has no line continuation, put the whole command on one line"],
    ['broken/unknown-section.ks', 'F30', 2, 'unknown section %postt (did you mean %post?)'],
    ['broken/missing-mountpoint.ks', 'F30', 1, 'part: mount point is required'],
    ['broken/undefined-vg.ks', 'F30', 3, "logvol: volume group 'vg00' is not defined by a volgroup command"],
    ['broken/repo-no-url.ks', 'F30', 1, 'repo: one of --baseurl, --mirrorlist, --metalink is required'],
    ['broken/flag-with-value.ks', 'F30', 1, "part: --grow takes no value (got 'yes')"],
    ['rhel7-server.ks', 'F34', 4, 'install: the command was removed in F34 (validating as F34)'],
    ['fedora-live-workstation.ks', 'RHEL6', 3, 'keyboard: --vckeymap is not available in syntax RHEL6 (added in RHEL7)'],
    ['kiln-liveimg.ks', 'RHEL6', 13, 'liveimg: the command is not available in syntax RHEL6 (added in RHEL7)'],
  ])('%s (%s) fails on line %i', async (file, syntax, line, message) => {
    const ds = await check(file, syntax);
    const errors = ds.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.line}: ${d.message}`)).toContain(`${line}: ${message}`);
  });
});

describe('warnings, as pykickstart gives them, do not fail validation', () => {
  it.each([
    ['warnings/deprecated-upgrade.ks', 'F21', 2, 'upgrade: the command is deprecated since F20 and has no effect; remove it'],
    ['warnings/liveimg-with-packages.ks', 'F30', 4, '%packages is ignored: liveimg (line 1) installs a disk image, not packages'],
    ['warnings/hash-in-password.ks', 'F30', 1, "'#' after 'abc' starts a comment; quote the value if '#' belongs to it"],
    ['warnings/duplicate-part.ks', 'F30', 4, 'part: mount point / was already defined by part on line 1'],
    ['warnings/deprecated-option.ks', 'F34', 1, 'logging: --level is deprecated since F34 and has no effect; remove it'],
    ['warnings/deprecated-option.ks', 'F33', 2, 'timezone: --ntpservers is deprecated since F33 and has no effect; remove it'],
  ])('%s (%s) warns on line %i', async (file, syntax, line, message) => {
    const ds = await check(file, syntax);
    expect(ds.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(ds.filter((d) => d.severity === 'warning').map((d) => `${d.line}: ${d.message}`)).toContain(`${line}: ${message}`);
  });

  it('a removed option is an error once its release is reached', async () => {
    const ds = await check('warnings/deprecated-option.ks', 'F40');
    expect(ds.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(['timezone: --ntpservers was removed in F40 (validating as F40)']);
  });
});

describe('single commands', () => {
  const v = (s: string) => resolveSyntaxVersion(s).version;
  const messages = (text: string, syntax = 'F30') =>
    validateKickstart(parseKickstart(text, 'x.ks').doc, v(syntax)).diagnostics.map((d) => `${d.severity}: ${d.message}`);

  it.each([
    ['rootpw --lock', 'F30', []],
    ['rootpw --lock', 'RHEL6', ['error: rootpw: a password argument is required']],
    ['rootpw', 'F30', ['error: rootpw: a password argument is required (or --lock)']],
    ['eula --agreed', 'F30', []],
    ['eula', 'F30', ['error: eula: the --agreed option is required']],
    ['eula --agreed', 'F19', ['error: eula: the command is not available in syntax F19 (added in F20)']],
    ['rhsm --organization=x', 'F30', ['error: rhsm: the command is not available in syntax F30 (not available on Fedora)']],
    ['timezone --utc', 'F30', []],
    ['timezone --utc', 'F24', ['error: timezone: a time zone is required (e.g. Etc/UTC)']],
    ['selinux --enforcing --disabled', 'F30', ['error: selinux: only one of --disabled, --enforcing may be given']],
    ['network --bridgeopts=stp=yes', 'F30', ['error: network: --bridgeopts requires --bridgeslaves']],
    ['network --bridgeslaves=em1', 'RHEL7', []],
    ['network --bridgeslaves=em1', 'F21', ['error: network: --bridgeslaves is not available in syntax F21 (added in F22)']],
    ['part /home --size=10 --fstype=tmpfs --grow', 'F30', ['error: part: --fstype=tmpfs cannot be used with --grow or --maxsize']],
    ['part home --size=10', 'F30', ["error: part: 'home' is not a mount point (expected /path, swap, biosboot, raid.<id>, pv.<id> or btrfs.<id>)"]],
    ['btrfs / btrfs.01', 'RHEL8', ['error: btrfs: the command was removed in RHEL8 (validating as RHEL8)']],
    ['zerombr yes', 'F30', ['warning: zerombr: takes no arguments any more; they are ignored']],
    ['bootloader --location=mbr --append="a b"', 'F30', []],
    ['bootloader --location=floppy', 'F30', ["error: bootloader: --location must be one of mbr, partition, none, boot, not 'floppy'"]],
    ['text\ncmdline', 'F30', ['warning: text/cmdline: given 2 times (line 1, line 2); only the last one counts']],
    ['url --url=http://a/ --mirrorlist=http://b/', 'F30', ['error: url: only one of --url, --mirrorlist may be given']],
    ['liveimg --url=http://a/i.tar --checksum=nothex', 'F30', ["error: liveimg: --checksum 'nothex' is not a hex digest (sha256 expected)"]],
    ['part / --size=1 --mkfsoptions=x', 'F22', ['error: part: --mkfsoptions is not available in syntax F22 (added in F23)']],
    ['part / --size', 'F30', ['error: part: --size expects a value']],
    ['repo --name="my repo" --baseurl=http://x/', 'F30', ["error: repo: --name 'my repo' must not contain spaces (it is the repository id)"]],
    ['%packages --nocore --default\n%end', 'F30', []],
    ['%packages --nobase\n%end', 'F22', ['error: %packages: --nobase was removed in F22 (validating as F22)']],
    ['%packages --instLangs=en\n@core --nodefaults --optional\n%end', 'F30', ['error: %packages: a group cannot take both --nodefaults and --optional']],
    ['%post --nochroot --logfile=/root/post.log\n%end', 'F30', []],
    ['%post --nochroot # a comment, as shlex drops it\n%end', 'F30', []],
    ['%pre --nochroot\n%end', 'F30', ['error: %pre: unknown option --nochroot']],
    ['%addon\n%end', 'F30', ['error: %addon: the add-on name is required (e.g. %addon com_redhat_kdump)']],
  ])('%j for %s', (text, syntax, expected) => {
    expect(messages(text, syntax)).toEqual(expected);
  });
});
