/**
 * The test double's payload: a Debian rootfs (kernel, grub-pc, systemd, cloud-init, openssh-server)
 * made with debootstrap for the target architecture and stored as one tarball that a kickstart
 * installs with `liveimg --url=…`. Root is locked, the console is on ttyS0, every Ethernet
 * interface takes DHCP (systemd-networkd), SSH host keys are made on first boot.
 *
 * debootstrap runs in two stages so that dpkg's path excludes (payload-files/etc/dpkg/…) are in
 * place before the packages are unpacked: no docs, man pages, translations, or kernel drivers a VM
 * never uses. What the first stage extracted by hand is trimmed afterwards.
 */
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sha256File } from '../../src/core/hash.js';
import { run } from '../../src/core/run.js';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { PAYLOAD_PACKAGES, PAYLOAD_SUITE, type ArchInfo } from './arch.js';

/**
 * Compression of the payload, chosen by measuring the unpack inside a TCG guest (x86_64, 2 vCPUs,
 * the test double's busybox tar streaming from the host over user-mode networking):
 * PAYLOAD_MEASUREMENT below. zstd is not a busybox applet; the initrd carries Debian's zstd.
 */
export const PAYLOAD_COMPRESSION = { ext: 'tar.zst', compressor: 'zstd -T0 -12' } as const;
export const PAYLOAD_FILE = `payload/rootfs.${PAYLOAD_COMPRESSION.ext}`;

export const DEBIAN_MIRROR = process.env.KILN_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

export interface PayloadBuild {
  a: ArchInfo;
  work: string;
  /** scripts/test-installer/payload-files: copied over the rootfs (and the dpkg excludes before). */
  filesDir: string;
  log: (line: string) => void;
}

const env = { DEBIAN_FRONTEND: 'noninteractive', LANG: 'C', LC_ALL: 'C' };

/** Paths the first (hand-extracting) stage left although dpkg's excludes cover them. */
async function trim(root: string): Promise<void> {
  await run('find', [join(root, 'usr/share/doc'), '-mindepth', '1', '-not', '-name', 'copyright', '-not', '-type', 'd', '-delete'], { timeoutMs: 60_000 });
  for (const dir of ['usr/share/man', 'usr/share/info', 'usr/share/lintian']) await rm(join(root, dir), { recursive: true, force: true });
  for (const name of await readdir(join(root, 'usr/share/locale')).catch(() => [] as string[])) {
    if (name !== 'locale.alias') await rm(join(root, 'usr/share/locale', name), { recursive: true, force: true });
  }
  // apt's downloads and lists, the machine's identity, SSH host keys: not part of an image.
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    for (const f of await readdir(join(root, dir)).catch(() => [] as string[])) {
      if (f.endsWith('.deb') || (dir.endsWith('lists') && f !== 'partial' && f !== 'lock')) await rm(join(root, dir, f), { force: true });
    }
  }
  for (const f of await readdir(join(root, 'var/cache/apt'))) if (f.endsWith('.bin')) await rm(join(root, 'var/cache/apt', f));
  for (const f of await readdir(join(root, 'etc/ssh'))) if (f.startsWith('ssh_host_')) await rm(join(root, 'etc/ssh', f));
  await run('truncate', ['-s', '0', join(root, 'etc/machine-id')], { timeoutMs: 10_000 });
  await rm(join(root, 'var/lib/dbus/machine-id'), { force: true });
}

/** Builds the rootfs and writes `<outDir>/rootfs.<ext>` and its `.sha256`; returns the path. */
export async function buildPayload(p: PayloadBuild, outDir: string): Promise<string> {
  const root = join(p.work, 'rootfs');
  await mkdir(join(root, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  await cp(join(p.filesDir, 'etc/dpkg/dpkg.cfg.d'), join(root, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  p.log(`payload: debootstrap ${PAYLOAD_SUITE} ${p.a.debian} (first stage)`);
  await run(
    'debootstrap',
    ['--foreign', '--variant=minbase', `--arch=${p.a.debian}`, `--include=${PAYLOAD_PACKAGES(p.a).join(',')}`, PAYLOAD_SUITE, root, DEBIAN_MIRROR],
    { timeoutMs: 30 * 60_000, env, hint: 'debootstrap needs root and the Debian archive (KILN_DEBIAN_MIRROR overrides the mirror).' },
  );
  p.log('payload: debootstrap second stage (configures the packages)');
  await run('chroot', [root, '/debootstrap/debootstrap', '--second-stage'], { timeoutMs: 30 * 60_000, env });
  await cp(p.filesDir, root, { recursive: true, force: true });
  await run('chroot', [root, 'systemctl', 'enable', 'systemd-networkd.service', 'serial-getty@ttyS0.service'], { timeoutMs: 60_000, env });
  // The locales of payload-files/etc/locale.gen, generated as the image's own locale-gen does.
  await run('chroot', [root, 'locale-gen'], { timeoutMs: 10 * 60_000, env });
  await trim(root);
  const file = join(outDir, basename(PAYLOAD_FILE));
  p.log(`payload: ${basename(file)}`);
  await mkdir(outDir, { recursive: true });
  // --numeric-owner: the test double's busybox tar must not map names through the initrd's passwd.
  await run('tar', ['--numeric-owner', `--use-compress-program=${PAYLOAD_COMPRESSION.compressor}`, '-C', root, '-cf', file, '.'], {
    timeoutMs: 30 * 60_000,
  });
  await writeFileAtomic(`${file}.sha256`, `${await sha256File(file)}  ${basename(file)}\n`);
  return file;
}
