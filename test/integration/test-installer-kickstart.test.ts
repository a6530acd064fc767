/**
 * The Anaconda test double's kickstart reading (guest/ks-parse.awk and guest/lib/kickstart.sh),
 * run on the host with the busybox of the x86_64 tree's own installer image (its second stage):
 * every accepted form and every kickstart error, without booting a guest. Only the reading is run
 * (nothing is installed), in the installer's order: the first pass that runs %pre, then the full
 * reading with every %include in place. The harness replaces the installer's ends (which wait, as
 * Anaconda's do, or power off) by an exit.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestInstallerTree } from '../../scripts/test-installer/tree.js';
import { run } from '../../src/core/run.js';

let work: string;
let bin: string;
let lib: string;

beforeAll(async () => {
  const tree = await buildTestInstallerTree({ arch: 'x86_64' });
  work = await mkdtemp(join(tmpdir(), 'kiln-ks-double-'));
  const root = join(work, 'stage2');
  await run('unsquashfs', ['-no-progress', '-quiet', '-d', root, tree.stage2], { timeoutMs: 60_000 });
  bin = join(work, 'bin');
  await mkdir(bin);
  await run(join(root, 'bin/busybox'), ['--install', '-s', bin], { timeoutMs: 30_000 });
  lib = join(root, 'usr/share/anaconda-test-double');
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const HARNESS = String.raw`
for f in log kickstart scripts storage payload system; do . "$LIB/$f.sh"; done
mkdir -p "$WORK"
LOGFILE=$WORK/anaconda.log KSDIR=$WORK/ks KSPREDIR=$WORK/ks-pre SCRATCH=$WORK
terminate() { echo TERMINATED; exit 0; }
ks_terminate() { echo TERMINATED; exit 0; }
stop_after_error() { echo TERMINATED; exit 0; }
unmount_target() { :; }
run_onerror_scripts() { :; }
pre_script_pass "$1"
read_kickstart "$1"
for f in "$KSDIR"/s.*.hdr; do [ -e "$f" ] && echo "BODY $(sed -n 2p "$f")<$(cat "$(echo "$f" | sed 's/hdr$/body/')")>"; done
echo "PARTS<$KS_PARTS> LABEL=$KS_DISKLABEL"
echo "AUTOPART=$KS_AUTOPART CLEAR=$KS_CLEAR ACTION=$KS_ACTION HOST=$KS_HOSTNAME TZ=$KS_TIMEZONE"
echo "BOOT=$KS_BOOT_LOCATION APPEND=<$KS_BOOT_APPEND> TIMEOUT=$KS_BOOT_TIMEOUT"
echo "ROOTPW=$KS_ROOTPW_MODE:$KS_ROOTPW LOCK=$KS_ROOTPW_LOCK"
echo "LIVEIMG=$KS_LIVEIMG SUM=$KS_LIVEIMG_SUM ENABLE=<$KS_ENABLE>"
`;

let counter = 0;
/** Runs the harness on `ks`, written to `file` (default: a fresh file in the work directory). */
async function readKickstart(ks: string, file = join(work, `ks-${++counter}.cfg`)): Promise<string> {
  await writeFile(file, ks);
  const { stdout } = await run(join(bin, 'sh'), ['-c', HARNESS, 'harness', file], {
    timeoutMs: 60_000,
    env: { PATH: bin, LIB: lib, WORK: join(work, `run-${counter}`) },
  });
  return stdout;
}

const liveimg = 'liveimg --url=http://10.0.2.2:8000/x86_64/payload/rootfs.tar.zst --checksum=sha256:ABCDEF';

describe('kickstart reading of the Anaconda test double', () => {
  it('reads a complete kickstart the way pykickstart splits it', async () => {
    const out = await readKickstart(
      [
        '# a comment',
        'text',
        'network --bootproto dhcp --hostname kiln-host',
        'timezone --utc America/New_York',
        'services --enabled=ssh,chrony --disabled=cups',
        'zerombr',
        'clearpart --all --initlabel',
        'part /boot --fstype ext3 --size 300',
        'part swap --size=128',
        "part / --fstype=ext4 --size=2048 --grow  # trailing comment",
        'bootloader --location=mbr --timeout=3 --append="console=ttyS0,115200n8 quiet"',
        "rootpw --iscrypted '$6$salt$hash/with#hash'",
        liveimg,
        '%packages --excludedocs',
        '@core',
        '%end',
        '%post --interpreter /bin/bash',
        'echo "%end is only a terminator at the start of a line"',
        '%end',
        'reboot',
        '',
      ].join('\n'),
    );
    expect(out).not.toContain('TERMINATED');
    expect(out).toContain('PARTS</boot 300 0 ext3 8\nswap 128 0 swap 9\n/ 2048 1 ext4 10\n> LABEL=');
    expect(out).toContain('AUTOPART=0 CLEAR=1 ACTION=reboot HOST=kiln-host TZ=America/New_York');
    expect(out).toContain('BOOT=mbr APPEND=< console=ttyS0,115200n8 quiet> TIMEOUT=3');
    expect(out).toContain('ROOTPW=iscrypted:$6$salt$hash/with#hash LOCK=0');
    expect(out).toContain('SUM=sha256:ABCDEF');
    expect(out).toContain('ENABLE=< ssh chrony>');
    expect(out).toMatch(/^\d\d:\d\d:\d\d,\d{3} WARNING packaging: %packages on line 14 ignored: the payload is a liveimg$/m);
  });

  it.each([
    ['autopart', ['autopart --type=lvm', liveimg, 'shutdown'], 'AUTOPART=1 CLEAR=0 ACTION=poweroff'],
    ['rootpw --lock', ['autopart', 'rootpw --lock', liveimg], 'ROOTPW=: LOCK=1'],
    ['the template form of a locked root', ['autopart', 'rootpw --lock --iscrypted locked', liveimg], 'ROOTPW=iscrypted:locked LOCK=1'],
    ['rootpw --plaintext with spaces', ['autopart', 'rootpw --plaintext "two words"', liveimg], 'ROOTPW=plaintext:two words LOCK=0'],
    ['bootloader --location=none', ['autopart', 'bootloader --location=none', liveimg], 'BOOT=none'],
    [
      "Fedora's hybrid cloud layout (GPT; PReP, BIOS boot and EFI system partitions with their default sizes where none is given)",
      ['clearpart --all --initlabel --disklabel=gpt', 'part prepboot --fstype=prepboot', 'part biosboot --size=1 --fstype=biosboot', 'part /boot/efi --size=100 --fstype=efi', 'part /boot --size=1000', 'part / --grow', liveimg],
      'PARTS<prepboot 4 0 prepboot 2\nbiosboot 1 0 biosboot 3\n/boot/efi 100 0 efi 4\n/boot 1000 0 ext4 5\n/ 1024 1 ext4 6\n> LABEL=gpt',
    ],
  ])('accepts %s', async (_name, lines, expected) => {
    const out = await readKickstart(`${lines.join('\n')}\n`);
    expect(out).not.toContain('TERMINATED');
    expect(out).toContain(expected);
  });

  it.each([
    ['an unknown command', ['text', 'autopart', 'frobnicate --now', liveimg], 'on line 3 of the kickstart file: Unknown command: frobnicate'],
    ['an unknown option', ['part / --bogus', liveimg], 'on line 1 of the kickstart file: Unknown option for command part: --bogus'],
    ['an unsupported filesystem', ['part / --fstype=xfs', liveimg], "on line 1 of the kickstart file: part / --fstype=xfs: kiln's Anaconda test double makes only ext2, ext3, ext4, swap, efi, biosboot and prepboot"],
    ['an EFI system partition elsewhere than /boot/efi', ['part /efi --fstype=efi', 'part / --grow', liveimg], 'on line 1 of the kickstart file: part /efi --fstype=efi: an EFI system partition is mounted at /boot/efi'],
    ['a disk label the double does not make', ['clearpart --all --disklabel=mac', 'part / --grow', liveimg], "on line 1 of the kickstart file: clearpart --disklabel=mac: kiln's Anaconda test double makes gpt and msdos disk labels"],
    ['a mount point used twice', ['part / --size=100', 'part / --size=200', liveimg], 'on line 2 of the kickstart file: The mount point "/" is already in use'],
    ['part with autopart', ['autopart', 'part / --grow', liveimg], "on line 1 of the kickstart file: The part/partition and autopart commands can't be used at the same time"],
    ['%packages without liveimg', ['autopart', 'url --url=http://example/os', '%packages', '@core', '%end'], 'on line 3 of the kickstart file: %packages needs a package installer'],
    ['a section without %end', ['autopart', liveimg, '%post', 'true'], 'on line 3 of the kickstart file: Section %post does not end with %end.'],
    ['an unknown section', ['autopart', '%frob', '%end'], 'on line 2 of the kickstart file: Unknown kickstart section: %frob'],
    ['an unclosed quote', ['autopart', 'bootloader --append="console=ttyS0', liveimg], 'on line 2 of the kickstart file: No closing quotation'],
    ['%ksappend', ['%ksappend http://10.0.2.2/part.ks', liveimg], 'on line 1 of the kickstart file: %ksappend is valid kickstart'],
    ['logvol', ['logvol / --vgname=vg --name=root', liveimg], 'on line 1 of the kickstart file: logvol is valid kickstart'],
    ['rootpw without a password', ['autopart', 'rootpw --plaintext', liveimg], 'on line 2 of the kickstart file: rootpw requires a password or --lock'],
    ['a non-numeric size', ['part / --size=big', liveimg], 'on line 1 of the kickstart file: --size requires a whole number of MiB'],
  ])('rejects %s with Anaconda\'s wording', async (_name, lines, message) => {
    const out = await readKickstart(`${lines.join('\n')}\n`);
    expect(out).toMatch(/^\d\d:\d\d:\d\d,\d{3} ERROR anaconda: The following problem occurred on line \d+ of the kickstart file: /m);
    expect(out).toContain(message);
    expect(out).toContain('An error occurred during reading the kickstart file:');
    expect(out).toContain('TERMINATED');
  });

  it.each([
    ['no storage', [liveimg], 'no storage: give autopart or part'],
    ['no / partition', ['part /boot --size=100', liveimg], 'no / partition'],
    ['no payload', ['autopart', 'url --url=http://example/os'], "ERROR packaging: Installation failed: no liveimg: kiln's Anaconda test double installs only a liveimg payload (it cannot use url (line 2))"],
  ])('fails the install on %s', async (_name, lines, message) => {
    const out = await readKickstart(`${lines.join('\n')}\n`);
    expect(out).toContain(message);
    expect(out).toContain('Traceback (most recent call last):');
    expect(out).toContain('TERMINATED');
  });
});

describe('%include in the Anaconda test double, read as Anaconda reads it', () => {
  /** A fresh directory in the work directory for one case's files. */
  async function dir(name: string): Promise<string> {
    const d = join(work, name);
    await mkdir(join(d, 'sub'), { recursive: true });
    return d;
  }

  it('reads the file a %pre script wrote, after running %pre once', async () => {
    const d = await dir('pre-writes');
    const include = join(d, 'part-include');
    const out = await readKickstart(
      ['text', '%pre', `echo "part / --size=3000 --grow" > ${include}`, `echo ran >> ${d}/pre-runs`, '%end', `%include ${include}`, liveimg, 'poweroff', ''].join('\n'),
    );
    expect(out).not.toContain('TERMINATED');
    expect(out).toContain(`PARTS</ 3000 1 ext4 1 of ${include}\n>`);
    expect(out).toContain('ACTION=poweroff');
    expect(await readFile(join(d, 'pre-runs'), 'utf8')).toBe('ran\n');
    expect(out.match(/INFO anaconda: Running kickstart %pre script\(s\)$/gm)).toHaveLength(1);
  });

  it("a file that is not there after %pre is pykickstart's error", async () => {
    const d = await dir('missing');
    const out = await readKickstart(['autopart', '%pre', 'true', '%end', `%include ${d}/never-written`, liveimg, ''].join('\n'));
    expect(out).toMatch(
      new RegExp(`ERROR anaconda: The following problem occurred on line 0 of the kickstart file: Unable to open input kickstart file: Error opening file: \\[Errno 2\\] No such file or directory: '${d}/never-written'$`, 'm'),
    );
    // The first pass skipped the missing file and ran %pre; the full reading failed.
    expect(out).toContain('All kickstart %pre script(s) have been run');
    expect(out).toContain('An error occurred during reading the kickstart file:');
    expect(out).toContain('TERMINATED');
  });

  it('nested files, relative to the file that includes them, in the commands and inside a section', async () => {
    const d = await dir('nested');
    await writeFile(join(d, 'sub/a.ks'), 'part /boot --size=300\n%include b.ks\n');
    await writeFile(join(d, 'sub/b.ks'), '# b\npart / --size=2000 --grow\n%post\necho first\n%include post-body.sh\n%end\n');
    await writeFile(join(d, 'sub/post-body.sh'), 'echo from the included body\n');
    const out = await readKickstart([liveimg, '%include sub/a.ks', 'reboot', ''].join('\n'), join(d, 'ks.cfg'));
    expect(out).not.toContain('TERMINATED');
    expect(out).toContain(`PARTS</boot 300 0 ext4 1 of ${d}/sub/a.ks\n/ 2000 1 ext4 2 of ${d}/sub/b.ks\n>`);
    expect(out).toContain('BODY post<echo first\necho from the included body>');
    expect(out).toContain('ACTION=reboot');
  });

  it('an error in an included file gives its line, as pykickstart does, and names the file', async () => {
    const d = await dir('bad');
    await writeFile(join(d, 'sub/bad.ks'), '# line 1\nfrobnicate --now\n');
    const out = await readKickstart(['autopart', liveimg, '%include sub/bad.ks', ''].join('\n'), join(d, 'ks.cfg'));
    expect(out).toContain(`The following problem occurred on line 2 of the kickstart file: Unknown command: frobnicate (line 2 of ${d}/sub/bad.ks, read by %include)`);
    expect(out).toContain('TERMINATED');
  });

  it('a file that includes itself is a kickstart error, not an endless reading', async () => {
    const d = await dir('loop');
    await writeFile(join(d, 'sub/a.ks'), 'autopart\n%include b.ks\n');
    await writeFile(join(d, 'sub/b.ks'), '%include a.ks\n');
    const out = await readKickstart([liveimg, '%include sub/a.ks', ''].join('\n'), join(d, 'ks.cfg'));
    expect(out).toContain(`on line 1 of the kickstart file: %include a.ks: include loop (${d}/sub/a.ks is already being read) (line 1 of ${d}/sub/b.ks, read by %include)`);
    expect(out).toContain('TERMINATED');
  });
});
