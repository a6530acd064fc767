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
const v = (s: string) => resolveSyntaxVersion(s).version;

/** Findings on a kickstart given as text, without what an unattended install would lack (tested below). */
function messages(text: string, syntax = 'F30'): string[] {
  const parsed = parseKickstart(text, 'x.ks');
  return [...parsed.diagnostics, ...validateKickstart(parsed.doc, v(syntax)).diagnostics]
    .filter((d) => !d.message.startsWith('unattended install:'))
    .map((d) => `${d.severity}: ${d.message}`);
}

describe('valid kickstarts in the styles of Fedora, RHEL and kiln', () => {
  it.each([
    ['fedora-cloud-base.ks', 'F21'],
    ['fedora-cloud-base.ks', 'F27'],
    ['fedora-live-workstation.ks', 'F38'],
    ['rhel7-server.ks', 'RHEL7'],
    ['rhel6-minimal.ks', 'RHEL6'],
    ['kiln-liveimg.ks', 'F19'],
    ['kiln-liveimg.ks', 'F45'],
    ['kiln-liveimg.ks', 'RHEL9'],
    ['kiln-liveimg.ks', 'RHEL10'],
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
    // pykickstart's conflict, from F20 on: reported on the later command.
    ['broken/autopart-and-part.ks', 'F30', 5, 'part cannot be used together with autopart (line 4)'],
    ['broken/removed-command.ks', 'F35', 3, 'authconfig: the command was removed in F35 (validating as F35)'],
    ['broken/removed-install.ks', 'F34', 1, 'install: the command was removed in F34 (validating as F34)'],
    ['broken/option-too-new.ks', 'F36', 1, 'rootpw: --allow-ssh is not available in syntax F36 (added in F37)'],
    ['broken/option-too-new.ks', 'RHEL8', 1, 'rootpw: --allow-ssh is not available in syntax RHEL8 (added in RHEL9)'],
    ['broken/unclosed-quote.ks', 'F30', 2, 'no closing quotation (") on this line'],
    ['broken/line-continuation.ks', 'F30', 2, "line ends with '\\': kickstart has no line continuation, put the whole command on one line"],
    ['broken/unknown-section.ks', 'F30', 2, 'unknown section %postt (did you mean %post?)'],
    ['broken/missing-mountpoint.ks', 'F30', 1, 'part: mount point is required'],
    ['broken/repo-no-url.ks', 'F14', 1, 'repo: one of --baseurl, --mirrorlist is required'],
    ['broken/flag-with-value.ks', 'F30', 1, "part: --grow takes no value (got 'yes')"],
    ['rhel7-server.ks', 'F34', 4, 'install: the command was removed in F34 (validating as F34)'],
    ['fedora-live-workstation.ks', 'RHEL6', 3, 'keyboard: --vckeymap is not available in syntax RHEL6 (added in RHEL7)'],
    ['kiln-liveimg.ks', 'RHEL6', 13, 'liveimg: the command is not available in syntax RHEL6 (added in RHEL7)'],
  ])('%s (%s) fails on line %i', async (file, syntax, line, message) => {
    const ds = await check(file, syntax);
    const errors = ds.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.line}: ${d.message}`)).toContain(`${line}: ${message}`);
  });

  it('autopart with part is fine before F20, where pykickstart had no conflict check yet', async () => {
    const ds = await check('broken/autopart-and-part.ks', 'F19');
    expect(lines(ds.filter((d) => d.severity === 'error'))).toEqual([]);
  });
});

describe('warnings, as pykickstart gives them, do not fail validation', () => {
  it.each([
    ['warnings/deprecated-upgrade.ks', 'F21', 2, 'upgrade: the command is deprecated since F20 and has no effect; remove it'],
    ['warnings/liveimg-with-packages.ks', 'F30', 4, '%packages is ignored: liveimg (line 1) installs a disk image, not packages'],
    ['warnings/hash-in-password.ks', 'F30', 1, "a '#' right after a word (column 23) starts a comment and cuts the word there; quote the value if '#' belongs to it"],
    ['warnings/duplicate-part.ks', 'F30', 4, 'part: mount point / was already defined by part on line 1'],
    ['warnings/deprecated-option.ks', 'F34', 1, 'logging: --level is deprecated since F34 and has no effect; remove it'],
    ['warnings/deprecated-option.ks', 'F33', 2, 'timezone: --ntpservers will be deprecated; write one `timesource --ntp-server HOST` per server'],
    ['broken/undefined-vg.ks', 'F30', 3, "logvol: volume group 'vg00' is not defined by a volgroup command (fine only if it already exists on the disk)"],
    ['broken/two-rootpw.ks', 'F30', 4, 'rootpw: given 2 times (line 2, line 4); only the last one counts'],
    ['broken/two-sources.ks', 'F30', 3, 'several installation sources: Anaconda uses liveimg and ignores url (line 2)'],
    ['broken/repo-no-url.ks', 'F30', 0, 'unattended install: no partitioning: an unattended install stops at the storage screen; add autopart, or part/logvol/btrfs commands with a / mount point'],
  ])('%s (%s) warns on line %i', async (file, syntax, line, message) => {
    const ds = await check(file, syntax);
    expect(ds.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(ds.filter((d) => d.severity === 'warning').map((d) => `${d.line}: ${d.message}`)).toContain(`${line}: ${message}`);
  });

  it('a removed option is an error once its release is reached', async () => {
    const ds = await check('warnings/deprecated-option.ks', 'RHEL10');
    expect(ds.filter((d) => d.severity === 'error').map((d) => d.message)).toContain('timezone: --ntpservers was removed in RHEL10 (validating as RHEL10)');
  });
});

describe('single commands', () => {
  it.each([
    ['rootpw --lock', 'F30', []],
    ['rootpw --lock', 'RHEL6', ['error: rootpw: a password argument is required']],
    ['rootpw', 'F30', ['error: rootpw: a password argument is required (or --lock)']],
    ['eula --agreed', 'F30', []],
    ['eula', 'F30', ['error: eula: the --agreed option is required']],
    ['eula --agreed', 'F19', ['error: eula: the command is not available in syntax F19 (added in F20)']],
    ['rhsm --organization=x --activation-key=k', 'F30', ['error: rhsm: the command is not available in syntax F30 (not available on Fedora)']],
    ['timezone --utc', 'F30', []],
    ['timezone --utc', 'RHEL7', []],
    ['timezone --utc', 'F24', ['error: timezone: time zone is required']],
    ['network --bridgeopts=stp=yes', 'F30', ['error: network: --bridgeopts needs --bridgeslaves']],
    ['network --bridgeslaves=em1', 'RHEL7', []],
    ['network --bridgeslaves=em1', 'F21', ['error: network: --bridgeslaves is not available in syntax F21 (added in F22)']],
    ['part /home --size=10 --fstype=tmpfs --grow', 'F30', ['error: part: --fstype=tmpfs cannot be used with --grow or --maxsize']],
    ['btrfs / btrfs.01', 'RHEL8', ['warning: btrfs: the command is deprecated since RHEL8 and has no effect; remove it']],
    ['btrfs / btrfs.01', 'RHEL10', ['error: btrfs: the command was removed in RHEL10 (validating as RHEL10)']],
    ['bootloader --location=mbr --append="a b"', 'F30', []],
    ['bootloader --location=floppy', 'F30', ["error: bootloader: --location must be one of mbr, partition, none, boot, not 'floppy'"]],
    ['text\ncmdline', 'F30', ['warning: text/cmdline: given 2 times (line 1, line 2); only the last one counts']],
    ['url --url=http://a/\nurl --url=http://b/', 'F30', ['warning: url: given 2 times (line 1, line 2); only the last one counts']],
    ['url --url=http://a/ --mirrorlist=http://b/', 'F30', ['error: url: only one of --url, --mirrorlist may be given']],
    ['part / --size=1 --mkfsoptions=x', 'F22', ['error: part: --mkfsoptions is not available in syntax F22 (added in F23)']],
    ['part / --size', 'F30', ['error: part: --size expects a value']],
    ['repo --name="my repo" --baseurl=http://x/', 'F30', ["warning: repo: --name 'my repo' contains a space; dnf cannot use it as a repository id"]],
    ['%packages --nocore\n%end', 'F30', []],
    ['%packages --nocore --default\n%end', 'F30', ['error: %packages: --default and --nocore cannot be used together']],
    ['%packages --nobase\n%end', 'F22', ['error: %packages: --nobase was removed in F22 (validating as F22)']],
    ['%packages --instLangs=en\n@core --nodefaults --optional\n%end', 'F30', ['error: %packages: a group cannot take both --nodefaults and --optional']],
    ['%post --nochroot --logfile=/root/post.log\n%end', 'F30', []],
    ['%post --nochroot # a comment, as shlex drops it\n%end', 'F30', []],
    ['%pre --nochroot\n%end', 'F30', ['error: %pre: unknown option --nochroot']],
    ['%addon\n%end', 'F30', ['error: %addon: the add-on name is required (e.g. %addon com_redhat_kdump); Anaconda stops without it']],
  ])('%j for %s', (text, syntax, expected) => {
    expect(messages(text, syntax)).toEqual(expected);
  });
});

// The patterns issue 16 found, each reproduced against pykickstart's ksvalidator.
describe("what pykickstart accepts and kiln used to reject (or the reverse)", () => {
  it.each([
    // Fedora's cloud-base partitioning since F35: pykickstart does not check mount points.
    ['part prepboot --size=4 --fstype=prepboot', 'F35', []],
    ['part biosboot --size=1 --fstype=biosboot', 'F35', []],
    ['part /boot/efi --size=100 --fstype=efi', 'F35', []],
    ['part home --size=10', 'F30', []],
    // An option's value may start with '-' when it contains a space (argparse's rule).
    ['part / --fstype=xfs --mkfsoptions "-m bigtime=0,inobtcount=0"', 'F38', []],
    ['part / --fstype=xfs --mkfsoptions -m', 'F38', ['error: part: --mkfsoptions expects a value', 'error: part: unknown option -m']],
    ['part / --size -1', 'F38', []],
    // argparse accepts any unambiguous abbreviation of a long option.
    ['bootloader --disable', 'F38', []],
    ['bootloader --timeo=5', 'F38', []],
    ['firewall --ena', 'F38', ['error: firewall: --ena is ambiguous: it could be --enable, --enabled']],
    ['network --bootp=dhcp --dev=eth0', 'F38', []],
    // Options pykickstart stores into one setting: the last one wins, no error.
    ['firstboot --enable --reconfig', 'F38', []],
    ['selinux --enforcing --disabled', 'F38', []],
    ['clearpart --none --all', 'F38', []],
    ['autopart --type=lvm --nolvm', 'F38', []],
    ['autopart --type=LVM', 'F38', []],
    // zerombr lost its arguments in F9: before, a warning; since, an error.
    ['zerombr yes', 'RHEL5', ["warning: zerombr: takes no arguments; 'yes' is ignored (from F9 on this is an error)"]],
    ['zerombr yes', 'F9', ["error: zerombr: unexpected argument 'yes'"]],
    ['zerombr yes', 'RHEL6', ["error: zerombr: unexpected argument 'yes'"]],
    // Handlers older than F19 / RHEL 6, still built with Oz.
    ['key --skip', 'RHEL5', []],
    ['langsupport --default en_US.UTF-8 en_US.UTF-8', 'RHEL4', []],
    ['mouse generic3ps/2 --device psaux', 'RHEL3', []],
    ['%packages\n@base\n', 'RHEL5', []],
    ['%packages\n@base\n', 'F8', ['error: %packages: section does not end with %end (reached the end of the file)']],
    // RHEL 10 is its own version, not RHEL 9.
    ['autopart --hibernation', 'RHEL10', []],
    ['autopart --hibernation', 'RHEL9', ['error: autopart: --hibernation is not available in syntax RHEL9 (added in RHEL10)']],
    ['btrfs / btrfs.01', 'RHEL9', ['warning: btrfs: the command is deprecated since RHEL8 and has no effect; remove it']],
    // Deprecations pykickstart warns about.
    ['%packages --instLangs=en\n%end', 'F35', ['warning: %packages: --instLangs will be deprecated; write --inst-langs']],
    ['%packages --instLangs=en\n%end', 'F40', ['warning: %packages: --instLangs is deprecated since F40 and has no effect; remove it']],
    ['timezone --isUtc Etc/UTC', 'F35', ['warning: timezone: --isUtc will be deprecated; write --utc']],
    ['timezone Etc/UTC --ntpservers=ntp.example.com', 'F40', ['warning: timezone: --ntpservers is deprecated since F40 and has no effect; remove it']],
    ['timezone --isUtc Etc/UTC', 'F40', ['warning: timezone: --isUtc is deprecated since F40 and has no effect; remove it']],
    ['authconfig --enableshadow', 'RHEL8', ['warning: authconfig: will be deprecated; use authselect']],
    ['network --bootproto=dhcp\nnetwork --bootproto=dhcp', 'F38', ["warning: network: a network device without --device was already defined on line 1; the later one replaces it"]],
    ['module --name=nodejs', 'RHEL10', ['warning: module: the command is deprecated since RHEL10 and has no effect; remove it']],
    ['module --name=nodejs', 'RHEL9', []],
    // Stricter than pykickstart where Anaconda certainly stops, and the message says so.
    ['volgroup vg0 pv.01', 'F38', ['error: volgroup: pv.01 is not defined by any part or raid command; Anaconda would stop here']],
    ['liveimg --url=http://x/i.img --checksum=abc', 'F38', ["error: liveimg: --checksum 'abc' is not a SHA-256 hex digest (64 hex digits); Anaconda would stop the install when it does not match the image"]],
    // %certificate is a section of every version.
    ['%certificate --filename=ca.pem --dir=/etc/pki/ca-trust/source/anchors\n-----BEGIN CERTIFICATE-----\n%end', 'F38', []],
    ['%certificate --filename=ca.pem\nx\n%end', 'F38', ['error: %certificate: one of --dir or --type is required']],
    ['%certificate --dir=/x\nx\n%end', 'F38', ['error: %certificate: --filename is required']],
  ])('%j for %s', (text, syntax, expected) => {
    expect(messages(text, syntax)).toEqual(expected);
  });
});

// Fedora's own cloud-base partitioning since F35 (fedora-kickstarts' fedora-cloud-base.ks):
// hybrid BIOS/UEFI/PowerPC boot partitions, /boot, and a btrfs volume with subvolumes.
const FEDORA_CLOUD_PARTITIONING = [
  'zerombr',
  'clearpart --all --initlabel --disklabel=gpt',
  'part prepboot  --size=4    --fstype=prepboot',
  'part biosboot  --size=1    --fstype=biosboot',
  'part /boot/efi --size=100  --fstype=efi',
  'part /boot     --size=1000  --fstype=ext4 --label=boot',
  'part btrfs.007 --size=2000 --fstype=btrfs --grow',
  'btrfs none --label=fedora btrfs.007',
  'btrfs /home --subvol --name=home LABEL=fedora',
  'btrfs /     --subvol --name=root LABEL=fedora',
].join('\n');

describe("Fedora's current cloud-base partitioning", () => {
  it.each(Array.from({ length: 11 }, (_, i) => `F${35 + i}`))('is valid for %s, with no warning', (syntax) => {
    expect(messages(FEDORA_CLOUD_PARTITIONING, syntax)).toEqual([]);
  });

  it.each([
    ['F20', 'clearpart: --disklabel is not available in syntax F20 (added in F21)'],
    ['RHEL8', 'part: btrfs is not supported on RHEL8'],
    ['RHEL10', 'btrfs: the command was removed in RHEL10 (validating as RHEL10)'],
  ])('is not for %s, where pykickstart rejects it too', (syntax, message) => {
    expect(messages(FEDORA_CLOUD_PARTITIONING, syntax)).toContain(`error: ${message}`);
  });
});

describe('what an unattended install lacks', () => {
  const unattended = (text: string, syntax = 'F38', options = {}) => {
    const parsed = parseKickstart(text, 'x.ks');
    return validateKickstart(parsed.doc, v(syntax), options).diagnostics.filter((d) => d.message.startsWith('unattended install:')).map(formatDiagnostic);
  };

  it('an empty kickstart: storage, an administrator and a source are missing, as warnings for ks validate', () => {
    expect(unattended('')).toEqual([
      'x.ks: warning: unattended install: no partitioning: an unattended install stops at the storage screen; add autopart, or part/logvol/btrfs commands with a / mount point',
      'x.ks: warning: unattended install: no rootpw and no unlocked user in the wheel group: an unattended install stops at the root password screen; add rootpw (or rootpw --lock with a wheel user)',
      'x.ks: warning: unattended install: no installation source (url, liveimg, …): Anaconda installs from what it was booted with (inst.repo=, or the medium); `kiln build` gives it the tree of --tree',
    ]);
  });

  it('for a build the ones Anaconda stops on are errors, and the tree is given', () => {
    expect(unattended('', 'F38', { unattended: {} })).toEqual([
      'x.ks: unattended install: no partitioning: an unattended install stops at the storage screen; add autopart, or part/logvol/btrfs commands with a / mount point',
      'x.ks: unattended install: no rootpw and no unlocked user in the wheel group: an unattended install stops at the root password screen; add rootpw (or rootpw --lock with a wheel user)',
    ]);
    expect(unattended('autopart', 'F38', { unattended: { rootPasswordGiven: true } })).toEqual([]);
  });

  it.each([
    ['autopart\nrootpw --lock\nurl --url=http://x/', 'F38', []],
    ['part / --size=1\nuser --name=admin --groups=wheel --password=x\nliveimg --url=http://x/i.img', 'F38', []],
    ['part /boot --size=1\nrootpw x\nurl --url=http://x/', 'F38', ['root file system']],
    ['autopart\nuser --name=admin --groups=wheel --lock\nurl --url=http://x/', 'F38', ['administrator']],
    ['autopart\nrootpw x\nurl --url=http://x/', 'RHEL6', ['language', 'keyboard', 'time zone']],
    ['%include /tmp/part-include\nrootpw x', 'F38', []],
  ])('%j (%s) lacks %j', (text, syntax, what) => {
    const found = unattended(text, syntax);
    const keys: Record<string, string> = { 'root file system': 'no / mount point', administrator: 'no rootpw', language: 'no lang', keyboard: 'no keyboard', 'time zone': 'no timezone' };
    expect(found.length).toBe(what.length);
    for (const w of what) expect(found.some((f) => f.includes(keys[w] ?? w)), w).toBe(true);
  });
});
