/**
 * The Anaconda test double end to end, without the rest of kiln: build (or reuse) the tree, inject
 * a kickstart with kiln's cpio writer, run the installer under plain QEMU TCG, then boot the
 * installed disk alone (BIOS → GRUB → Debian) and log in on the serial console.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestInstallerTree, PAYLOAD_FILE, type TestInstallerTree } from '../../scripts/test-installer/tree.js';
import type { TreeArch } from '../../scripts/test-installer/arch.js';
import { appendToInitrd } from '../../src/installers/anaconda/cpio-newc.js';
import { silent } from '../../src/core/events.js';
import { startGuestServer, type GuestServer } from '../../src/pipeline/guest-server.js';
import { bootAndTalk, createDisk, runInstaller, LOG_PORT } from './test-installer-support.js';

const ARCHES: TreeArch[] = ['x86_64', 'i686'];
const trees = {} as Record<TreeArch, TestInstallerTree>;
let server: GuestServer;
let work: string;

beforeAll(async () => {
  for (const arch of ARCHES) trees[arch] = await buildTestInstallerTree({ arch, log: (l) => process.stderr.write(`[test-installer] ${l}\n`) });
  work = await mkdtemp(join(tmpdir(), 'kiln-test-installer-'));
  // kiln's loopback-only guest server (the guest reaches it as 10.0.2.2).
  server = await startGuestServer(
    [
      { prefix: '/x86_64/', dir: trees.x86_64.dir },
      { prefix: '/i686/', dir: trees.i686.dir },
      { prefix: '/ks/', dir: work },
    ],
    silent,
  );
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const BOOT_ARGS = 'inst.text inst.cmdline console=ttyS0,115200n8 panic=-1';

function kickstart(arch: TreeArch): string {
  const storage = ['zerombr', 'clearpart --all --initlabel', 'part /boot --fstype=ext4 --size=256', 'part / --fstype ext4 --size 2048 --grow'];
  return [
    '# kiln test: the Anaconda test double installs the Debian payload',
    'text',
    'lang en_US.UTF-8',
    'keyboard us',
    'timezone Etc/UTC --utc',
    'network --bootproto=dhcp --hostname=kiln-test',
    'selinux --disabled',
    'firewall --disabled',
    'services --enabled=ssh',
    ...storage,
    'bootloader --location=mbr --append="console=ttyS0,115200n8 kiln.test=1"',
    'rootpw --plaintext kiln-secret',
    `liveimg --url=${server.guestBase}/${arch}/${PAYLOAD_FILE} --checksum=sha256:${trees[arch].payloadSha256}`,
    '%packages',
    '@core',
    '%end',
    '%post --erroronfail',
    'echo "kiln post $(cat /etc/debian_version)" > /etc/kiln-post-marker',
    `echo "KILN-POST in chroot: $(cat /etc/hostname)" > /dev/virtio-ports/${LOG_PORT}`,
    '%end',
    '%post --nochroot --interpreter=/bin/sh',
    'echo "KILN-NOCHROOT fstab lines: $(grep -c UUID= $ANA_INSTALL_PATH/etc/fstab)"',
    '%end',
    'poweroff',
    '',
  ].join('\n');
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

// One arch here (a separate /boot, a password login, %post in and out of the chroot): kiln's own
// install test (install.test.ts) installs and boots both arches from this test double too, and CI
// has 90 minutes on 2 cores without KVM.
describe.each(['x86_64'] as TreeArch[])('Anaconda test double on %s', (arch) => {
  it('installs the payload from a kickstart; the disk then boots by itself to a login prompt', async () => {
    const { dir, initrd, disk } = await withKickstart(arch, `install-${arch}`, kickstart(arch));
    const install = await runInstaller({ arch, kernel: trees[arch].kernel, initrd, append: `inst.ks=file:/ks.cfg ${BOOT_ARGS}`, disk, dir, timeoutMs: 20 * 60_000 });
    process.stderr.write(`[test-installer] ${arch}: install took ${install.seconds.toFixed(1)} s under TCG\n`);

    expect(install.log).toMatch(/^\d\d:\d\d:\d\d,\d{3} INFO anaconda: kiln's Anaconda test double \(NOT Anaconda/m);
    expect(install.log).not.toContain('Traceback (');
    expect(install.log).toContain('WARNING packaging: %packages on line');
    expect(install.log).toContain('KILN-POST in chroot: kiln-test');
    expect(install.log).toMatch(/INFO program: KILN-NOCHROOT fstab lines: [12]/);
    expect(install.log).toContain('Installation complete');
    expect(install.console).toContain("kiln's Anaconda test double"); // mirrored on ttyS0

    const boot = await bootAndTalk(
      arch,
      disk,
      [
        { expect: 'kiln-test login:', send: 'root\n' },
        { expect: 'Password:', send: 'kiln-secret\n' },
        { expect: /root@kiln-test:~# $/m, send: 'cat /proc/cmdline /etc/kiln-post-marker; echo KILN-DONE-$((6*7)); poweroff\n' },
        { expect: 'KILN-DONE-42' },
      ],
      15 * 60_000,
    );
    process.stderr.write(`[test-installer] ${arch}: boot to login took ${boot.loginSeconds.toFixed(1)} s under TCG\n`);
    expect(boot.output).toMatch(/root=UUID=[0-9a-f-]{36} .*kiln\.test=1/);
    expect(boot.output).toContain('kiln post 12.');
  });
});

describe('Anaconda test double failures', () => {
  it('rejects an unknown kickstart command with Anaconda\'s wording, before touching the disk', async () => {
    const ks = ['text', 'zerombr', 'frobnicate --now', 'autopart', 'poweroff', ''].join('\n');
    const { dir, initrd, disk } = await withKickstart('x86_64', 'unknown-command', ks);
    const run = await runInstaller({ arch: 'x86_64', kernel: trees.x86_64.kernel, initrd, append: `inst.ks=file:/ks.cfg ${BOOT_ARGS}`, disk, dir, timeoutMs: 5 * 60_000 });
    expect(run.log).toMatch(/ERROR anaconda: The following problem occurred on line 3 of the kickstart file: Unknown command: frobnicate/);
    expect(run.console).toContain('An error occurred during reading the kickstart file:');
    expect(run.log).not.toContain('storage:');
  });

  it('fails the install when a %pre --erroronfail script fails (kickstart fetched over http)', async () => {
    const ks = ['text', 'autopart', `liveimg --url=${server.guestBase}/i686/${PAYLOAD_FILE}`, '%pre --erroronfail', 'echo about to fail', 'exit 3', '%end', 'poweroff', ''].join('\n');
    await writeFile(join(work, 'pre-fails.cfg'), ks);
    const { dir, disk } = await withKickstart('i686', 'pre-fails', ks);
    const append = `inst.ks=${server.guestBase}/ks/pre-fails.cfg ${BOOT_ARGS}`;
    const run = await runInstaller({ arch: 'i686', kernel: trees.i686.kernel, initrd: trees.i686.initrd, append, disk, dir, timeoutMs: 5 * 60_000 });
    expect(run.log).toContain('INFO program: about to fail');
    expect(run.log).toContain('There was an error running the kickstart script at line 4.');
    expect(run.log).toContain('Traceback (most recent call last):');
    expect(run.log).not.toContain('packaging: Installing');
  });
});
