/**
 * The Anaconda test double end to end, without the rest of kiln: build (or reuse) the tree, inject
 * a kickstart with kiln's cpio writer, run the installer under plain QEMU TCG (its first stage
 * fetches the second from the tree over HTTP, as dracut does): Fedora's hybrid layout installed
 * under BIOS (kiln's install test installs it under UEFI), read as kiln's capture reads it, then
 * booted alone (OVMF with Secure Boot → shim → GRUB → Debian, and SeaBIOS) with a login on the
 * serial console. The failures: dracut's when the tree has no installer image, Anaconda's (which
 * wait instead of powering off) for a bad kickstart and a failed script.
 */
import { link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestInstallerTree, KERNEL_PATH, INITRD_PATH, PAYLOAD_FILE, STAGE2_PATH, type TestInstallerTree } from '../../scripts/test-installer/tree.js';
import type { TreeArch } from '../../scripts/test-installer/arch.js';
import { appendToInitrd } from '../../src/installers/anaconda/cpio-newc.js';
import { ANACONDA_QUIRKS } from '../../src/installers/anaconda/quirks.js';
import { bootArgs } from '../../src/installers/anaconda/boot-args.js';
import { startGuestServer, type GuestServer } from '../../src/pipeline/guest-server.js';
import { renderGuestTemplate } from '../../src/template/guest-templates.js';
import { inspectBootFirmware } from '../../src/image/boot-firmware.js';
import { bootAndTalk, createDisk, runInstaller, LOG_PORT, type TestFirmware } from './test-installer-support.js';

const ARCHES: TreeArch[] = ['x86_64', 'i686'];
const trees = {} as Record<TreeArch, TestInstallerTree>;
let server: GuestServer;
let work: string;
/** Paths the server was asked for, in order. */
const served: string[] = [];

beforeAll(async () => {
  for (const arch of ARCHES) trees[arch] = await buildTestInstallerTree({ arch, log: (l) => process.stderr.write(`[test-installer] ${l}\n`) });
  work = await mkdtemp(join(tmpdir(), 'kiln-test-installer-'));
  // A copy of the x86_64 tree without its installer image (hard links; .treeinfo still names it).
  const broken = join(work, 'no-stage2');
  await mkdir(join(broken, 'images/pxeboot'), { recursive: true });
  for (const f of ['.treeinfo', KERNEL_PATH, INITRD_PATH]) await link(join(trees.x86_64.dir, f), join(broken, f));
  // kiln's loopback-only guest server (the guest reaches it as 10.0.2.2).
  server = await startGuestServer(
    [
      { prefix: '/x86_64/', dir: trees.x86_64.dir },
      { prefix: '/i686/', dir: trees.i686.dir },
      { prefix: '/no-stage2/', dir: broken },
      { prefix: '/ks/', dir: work },
    ],
    (e) => {
      const m = e.type === 'message' ? /^guest http: GET (\S+)/.exec(e.text) : null;
      if (m) served.push(m[1]!);
    },
  );
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const BOOT_ARGS = 'inst.text inst.cmdline console=ttyS0,115200n8 panic=-1';
const repo = (prefix: string) => `inst.repo=${server.guestBase}/${prefix}/`;

/**
 * Fedora's cloud layout as kiln's fedora-cloud template renders it for 40 (GPT; PReP, BIOS boot and
 * EFI system partitions; /boot; GRUB for BIOS added by the template's %post after a UEFI install),
 * with a root password, and this test's own sections after it: %packages (which a liveimg install
 * ignores, with Anaconda's warning) and %post scripts in and out of the chroot.
 */
async function kickstart(arch: TreeArch): Promise<{ text: string; firmware?: string }> {
  const ks = await renderGuestTemplate('fedora-cloud', {
    release: '40',
    arch,
    variables: { root_password: 'kiln-secret', liveimg_url: `${server.guestBase}/${arch}/${PAYLOAD_FILE}`, liveimg_checksum: `sha256:${trees[arch].payloadSha256}` },
  });
  const own = [
    '%packages',
    '@core',
    '%end',
    '%post --erroronfail',
    'echo "kiln post $(cat /etc/debian_version)" > /etc/kiln-post-marker',
    `echo "KILN-POST in chroot: $(cat /etc/kiln-post-marker)" > /dev/virtio-ports/${LOG_PORT}`,
    '%end',
    '%post --nochroot --interpreter=/bin/sh',
    'echo "KILN-NOCHROOT fstab lines: $(grep -c UUID= $ANA_INSTALL_PATH/etc/fstab)"',
    '%end',
  ];
  return { text: `${ks.text.trimEnd()}\n\n${own.join('\n')}\n`, firmware: ks.firmware };
}

async function withKickstart(arch: TreeArch, name: string, ks: string): Promise<{ dir: string; initrd: string; disk: string }> {
  const dir = join(work, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const initrd = join(dir, 'initrd.img');
  await writeFile(initrd, await appendToInitrd(await readFile(trees[arch].initrd), [{ type: 'file', path: '/ks.cfg', data: ks, mode: 0o600 }]));
  const disk = join(dir, 'disk.qcow2');
  await createDisk(disk, '6G');
  return { dir, initrd, disk };
}

// One arch here, and the install under BIOS: kiln's own install test (install.test.ts) installs
// this hybrid layout under UEFI from this test double (and i686's BIOS layout), and CI's time on
// 2 cores without KVM is short.
describe.each(['x86_64'] as TreeArch[])('Anaconda test double on %s', (arch) => {
  it("installs Fedora's hybrid layout under BIOS from the tree's stage2, with %post in and out of the chroot; the disk then boots by itself under OVMF with Secure Boot and under SeaBIOS", async () => {
    const ks = await kickstart(arch);
    expect(ks.firmware).toBe('uefi'); // what the template asks for; `kiln build --firmware bios` overrides it
    const { dir, initrd, disk } = await withKickstart(arch, `hybrid-${arch}`, ks.text);
    served.length = 0;
    const install = await runInstaller({ arch, kernel: trees[arch].kernel, initrd, append: `inst.ks=file:/ks.cfg ${repo(arch)} ${BOOT_ARGS}`, disk, dir, timeoutMs: 20 * 60_000, firmware: 'bios' });
    process.stderr.write(`[test-installer] ${arch}: BIOS install took ${install.seconds.toFixed(1)} s under TCG\n`);

    // The first stage read .treeinfo and fetched the image its [stage2] names, as dracut does.
    expect(served.slice(0, 2)).toEqual([`/${arch}/.treeinfo`, `/${arch}/${STAGE2_PATH}`]);
    expect(install.console).toContain('Loading kiln Anaconda test double 1 x86_64 installer...');
    expect(install.console).toContain(`dracut-initqueue[1]: anaconda: successfully fetched stage2 from ${server.guestBase}/${arch}`);
    expect(install.stoppedByTest).toBe(false); // it powered off by itself, as the kickstart says

    expect(install.log).toMatch(/^\d\d:\d\d:\d\d,\d{3} INFO anaconda: kiln's Anaconda test double \(NOT Anaconda/m);
    expect(install.log).not.toContain('Traceback (');
    expect(install.log).toContain('booted under BIOS; disk label gpt');
    // Under BIOS the EFI loaders come from the boot loader packages, as Fedora's do (the ESP exists).
    expect(install.log).toMatch(/EFI system partition: .*EFI\/BOOT\/BOOTX64\.EFI/);
    expect(install.log).toContain('WARNING packaging: %packages on line');
    expect(install.log).toContain('KILN-POST in chroot: kiln post 12.');
    expect(install.log).toMatch(/INFO program: KILN-NOCHROOT fstab lines: [2-9]/);
    expect(install.log).toContain('Installation complete');
    expect(install.console).toContain("kiln's Anaconda test double"); // mirrored on ttyS0

    // kiln's own reading of the disk (what capture records): both firmwares, a signed loader.
    const facts = await inspectBootFirmware({ image: disk, format: 'qcow2', virtualSize: 6 * 1024 ** 3, arch, tmpDir: dir });
    expect(facts.firmware).toEqual(['bios', 'uefi', 'uefi-secure']);

    // It boots the way it was not installed first: OVMF with Secure Boot enforcing → shim → GRUB;
    // then SeaBIOS → the GRUB in the BIOS boot partition. (kiln's UEFI install of the layout is
    // booted under SeaBIOS by install.test.ts, its outputs under OVMF by targets and boot-test.)
    const SECURE_BOOT_VAR = '/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c';
    for (const [firmware, says] of [['uefi-secure', /FW-uefi-SB1\s/], ['bios', /FW-bios-SB\s/]] as [TestFirmware, RegExp][]) {
      const boot = await bootAndTalk(
        arch,
        disk,
        [
          { expect: 'login:', send: 'root\n' },
          { expect: 'Password:', send: 'kiln-secret\n' },
          { expect: /root@[\w-]+:~# $/m, send: `cat /proc/cmdline /etc/kiln-post-marker /etc/locale.conf /etc/default/locale; echo FW-$([ -d /sys/firmware/efi ] && echo uefi || echo bios)-SB$(od -An -tu1 -j4 -N1 ${SECURE_BOOT_VAR} 2>/dev/null | tr -d ' '); poweroff\n` },
          { expect: /FW-\w+-SB\d*\s/ },
        ],
        15 * 60_000,
        { snapshot: true, firmware, dir },
      );
      process.stderr.write(`[test-installer] ${arch}: ${firmware} boot to login took ${boot.loginSeconds.toFixed(1)} s under TCG\n`);
      expect(boot.output).toMatch(says);
      expect(boot.output).toMatch(/root=UUID=[0-9a-f-]{36} .*console=ttyS0/);
      expect(boot.output).toContain('kiln post 12.');
      // The kickstart's lang, applied as Anaconda applies it (so cloud-init's locale module has nothing to generate).
      expect(boot.output.match(/^LANG=en_US\.UTF-8\r?$/gm)).toHaveLength(2);
    }
  });
});

describe('the first stage finds the installer image as dracut does', () => {
  const stage2Fetched = /successfully fetched stage2|failed to fetch stage2|FATAL/;
  // Every option form kiln's quirks table sends (inst.repo=, which the other rows send, boots every
  // other test here), the deprecated method=, and stage2 locations.
  const cases = (): [string, string][] => {
    const rows = new Map(ANACONDA_QUIRKS.map((q) => [q.repo, bootArgs({ quirks: q, repoUrl: `${server.guestBase}/x86_64/`, cmdlineMode: true, extra: [] })]));
    rows.delete('inst.repo');
    const ks = 'inst.ks=file:/ks.cfg inst.cmdline';
    return [
      ...[...rows].map(([name, args]): [string, string] => [`${name}= (kiln's quirks table)`, args]),
      ['method= (deprecated)', `method=${server.guestBase}/x86_64/ ${ks}`],
      ['inst.stage2= naming the image itself', `inst.stage2=${server.guestBase}/x86_64/${STAGE2_PATH} ${ks}`],
      ['stage2= naming the tree', `stage2=${server.guestBase}/x86_64 ${ks}`],
    ];
  };

  it('honours every form of the install source option', async () => {
    for (const [name, args] of cases()) {
      const { dir, initrd, disk } = await withKickstart('x86_64', `option-${name.split('=')[0]}`, 'text\nautopart\npoweroff\n');
      served.length = 0;
      const run = await runInstaller({ arch: 'x86_64', kernel: trees.x86_64.kernel, initrd, append: `${args} console=ttyS0,115200n8 panic=-1`, disk, dir, timeoutMs: 5 * 60_000, until: stage2Fetched });
      expect(run.console, name).toContain('anaconda: successfully fetched stage2');
      expect(run.stoppedByTest, name).toBe(true);
      expect(served.at(-1), name).toBe(`/x86_64/${STAGE2_PATH}`);
      if (name.startsWith('method=')) expect(run.console).toContain(`Warning: 'method=' is deprecated. Using 'repo=${server.guestBase}/x86_64/' instead.`);
    }
  });

  it('a tree without its installer image: dracut\'s warnings, then the initqueue waits and stops at "Could not boot."', async () => {
    const { dir, initrd, disk } = await withKickstart('x86_64', 'no-stage2', 'text\nautopart\npoweroff\n');
    served.length = 0;
    // rd.retry shortens dracut's 180 s wait so the whole sequence fits in a test.
    const append = `inst.ks=file:/ks.cfg ${repo('no-stage2')} rd.retry=20 ${BOOT_ARGS}`;
    const run = await runInstaller({ arch: 'x86_64', kernel: trees.x86_64.kernel, initrd, append, disk, dir, timeoutMs: 5 * 60_000, until: /Entering emergency mode/ });
    expect(served).toEqual(['/no-stage2/.treeinfo', `/no-stage2/${STAGE2_PATH}`, '/no-stage2/LiveOS/squashfs.img']);
    const lines = run.console.split('\n').map((l) => l.trim());
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at(`Warning: Downloading '${server.guestBase}/no-stage2/${STAGE2_PATH}' failed!`)).toBeGreaterThan(-1);
    expect(at(`Warning: anaconda: failed to fetch stage2 from ${server.guestBase}/no-stage2`)).toBeGreaterThan(-1);
    // The order dracut's initqueue gives them, Anaconda's error report in the middle.
    const order = ['failed to fetch stage2', 'dracut-initqueue: timeout, still waiting', 'Anaconda installer errors begin', 'Could not boot.', 'Entering emergency mode'].map(at);
    expect(order.every((i) => i > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(run.log).toBe(''); // no installer ever ran
    expect(run.stoppedByTest).toBe(true); // it waits in its emergency state; nothing powers it off
  });
});

describe('Anaconda test double failures', () => {
  it('rejects an unknown kickstart command with Anaconda\'s wording, before touching the disk, and stays up', async () => {
    const ks = ['text', 'zerombr', 'frobnicate --now', 'autopart', 'poweroff', ''].join('\n');
    const { dir, initrd, disk } = await withKickstart('x86_64', 'unknown-command', ks);
    const append = `inst.ks=file:/ks.cfg ${repo('x86_64')} ${BOOT_ARGS}`;
    const run = await runInstaller({ arch: 'x86_64', kernel: trees.x86_64.kernel, initrd, append, disk, dir, timeoutMs: 5 * 60_000, until: /the machine stays up/ });
    expect(run.log).toMatch(/ERROR anaconda: The following problem occurred on line 3 of the kickstart file: Unknown command: frobnicate/);
    expect(run.console).toContain('An error occurred during reading the kickstart file:');
    expect(run.log).not.toContain('storage:');
    expect(run.stoppedByTest).toBe(true);
  });

  // Anaconda runs %pre in a first pass, before its modules read the kickstart: a %pre that fails
  // stops the install with no %onerror script known yet, so none runs.
  it('a failed %pre --erroronfail (kickstart over http, cmdline mode): the error, no %onerror, then a wait, not a power-off', async () => {
    const ks = ['text', 'autopart', `liveimg --url=${server.guestBase}/i686/${PAYLOAD_FILE}`, '%pre --erroronfail', 'echo about to fail', 'exit 3', '%end', '%onerror', 'echo KILN-ONERROR ran', '%end', 'poweroff', ''].join('\n');
    await writeFile(join(work, 'pre-fails.cfg'), ks);
    const { dir, disk } = await withKickstart('i686', 'pre-fails', ks);
    const append = `inst.ks=${server.guestBase}/ks/pre-fails.cfg ${repo('i686')} ${BOOT_ARGS}`;
    const until = /The installer will now terminate\./;
    const run = await runInstaller({ arch: 'i686', kernel: trees.i686.kernel, initrd: trees.i686.initrd, append, disk, dir, timeoutMs: 5 * 60_000, until });
    expect(run.log).toContain('INFO program: about to fail');
    expect(run.log).toContain('There was an error running the kickstart script at line 4.');
    expect(run.log).toContain('Traceback (most recent call last):');
    expect(run.log).not.toContain('KILN-ONERROR');
    expect(run.log).not.toContain('packaging: Installing');
    expect(run.console).toContain('The installation was stopped due to an error which occurred while running in non-interactive cmdline mode.');
    expect(run.log).not.toContain('powering off');
    expect(run.stoppedByTest).toBe(true); // Anaconda sleeps 180 s after the error; the test did not wait for that
  });
});
