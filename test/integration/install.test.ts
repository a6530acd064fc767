/**
 * The install stage for real: libvirt + QEMU TCG + kiln's Anaconda test double. Each arch is
 * installed (x86_64 from a local tree directory, i686 from an http tree), captured and booted from
 * its own disk; the installer's first stage fetches its second from the tree through kiln's guest
 * server either way. x86_64 is the suite's shared hybrid base: Fedora's layout (GPT with BIOS
 * boot and EFI system partitions) installed under UEFI (OVMF), GRUB for BIOS added by the
 * template's %post, so its record says it boots under BIOS, UEFI and Secure Boot, and its boot
 * here is under SeaBIOS (BIOS → the GRUB %post added → login prompt; OVMF and Secure Boot boots
 * are boot-test.test.ts's and targets.test.ts's). i686 is installed and booted under BIOS (msdos).
 * The failure paths (x86_64, so under UEFI: the template's firmware, whatever kickstart is merged
 * over it) end the build quickly from the installer's own messages and leave no domain, no
 * temporary file (the UEFI variable store included) and no store entry.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { access, link, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn as nodeSpawn } from 'node:child_process';
import { join } from 'node:path';
import { run, spawn } from '../../src/core/run.js';
import { openHypervisor, type Hypervisor } from '../../hypervisor/index.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { openStore } from '../../src/store/store.js';
import { keyedHash, storeSecret } from '../../src/store/store-secret.js';
import type { Arch } from '../../src/core/arch.js';
import { bootAndTalk } from './test-installer-support.js';
import { buildArgs, kilnBuild, runStoreDir, type BuildRun } from './fixtures/base-image.js';
import { PAYLOAD_PORT } from '../../scripts/test-installer/serve.js';
import { INITRD_PATH, KERNEL_PATH, STAGE2_PATH } from '../../scripts/test-installer/tree.js';

let hv: Hypervisor;
let scratch: string;
beforeAll(async () => {
  hv = await openHypervisor({});
  scratch = await mkdtemp(join(tmpdir(), 'kiln-install-test-'));
});
afterAll(async () => {
  await hv?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The domains a build named in its guest events (other kiln runs may share this libvirt). */
function domainsOf(lines: Record<string, unknown>[]): string[] {
  return [...new Set(lines.filter((l) => l.type === 'guest' && typeof l.domain === 'string').map((l) => l.domain as string))];
}

/** Which of `names` libvirt still has. */
async function stillThere(names: string[]): Promise<string[]> {
  const all = new Set(await hv.listDomains());
  return names.filter((n) => all.has(n));
}

async function storeLeftovers(): Promise<{ tmp: string[]; images: string[] }> {
  const store = runStoreDir();
  return {
    tmp: await readdir(join(store, 'tmp')).catch(() => []),
    images: await readdir(join(store, 'images')).catch(() => []),
  };
}

/** The paths kiln's guest server was asked for (its debug events, printed with -v). */
function servedPaths(build: BuildRun): string[] {
  return build.lines.flatMap((l) => {
    const m = l.type === 'message' ? /^guest http: GET (\S+)/.exec(String(l.text)) : null;
    return m ? [m[1]!] : [];
  });
}

/** The same build with another --tree. */
function fromTree(location: string, extra: string[] = []): string[] {
  return ['--tree', location, ...extra];
}

/** What each arch's install boots under and makes (fedora-cloud 19: hybrid on x86_64 as the suite asks, BIOS on i686). */
interface Layout {
  /** The firmware the installer booted under, and the domain's <os> element for it. */
  installer: 'bios' | 'uefi';
  os: string;
  /** The test double's storage line: what it booted under, the disk label it made. */
  storage: string;
  /** What capture read from the disk. */
  table: 'gpt' | 'dos';
  firmware: string[];
}

const HYBRID: Layout = { installer: 'uefi', os: '<os firmware="efi">', storage: 'booted under UEFI; disk label gpt', table: 'gpt', firmware: ['bios', 'uefi', 'uefi-secure'] };
const BIOS: Layout = { installer: 'bios', os: '<os>', storage: 'booted under BIOS; disk label msdos', table: 'dos', firmware: ['bios'] };

/** The tree each arch installs from: a local directory, and an http tree on host loopback. */
const SOURCES: { arch: Arch; tree: () => string | undefined; stage2: RegExp; layout: Layout }[] = [
  { arch: 'x86_64', tree: () => undefined, stage2: new RegExp(`^/tree/${STAGE2_PATH}$`), layout: HYBRID },
  { arch: 'i686', tree: () => `http://127.0.0.1:${PAYLOAD_PORT}/i686/`, stage2: new RegExp(`^/relay/\\d+/${STAGE2_PATH}$`), layout: BIOS },
];

describe.each(SOURCES)('kiln build $arch from the Anaconda test double', ({ arch, tree, stage2, layout }) => {
  it('installs in a transient guest, captures a base image with its record, and the disk boots to a login prompt', async () => {
    const location = tree();
    const build = await kilnBuild(arch, ['-v', ...(location ? fromTree(location) : [])]);
    expect(build.code, build.errorText).toBe(0);
    const result = build.result!;
    expect(result.storeHit).toBe(false);

    // The installer's first stage read .treeinfo and fetched its second stage through kiln's server.
    const served = servedPaths(build);
    const image = served.findIndex((p) => stage2.test(p));
    expect(image, served.join('\n')).toBeGreaterThan(0);
    expect(served[image - 1]).toBe(served[image]!.replace(STAGE2_PATH, '.treeinfo'));
    // The tree says which Anaconda it behaves like: no guessed quirks.
    expect(build.lines.filter((l) => l.code === 'QUIRKS_GUESSED')).toEqual([]);

    // The guest went through every state, driven by libvirt events and the installer log.
    const states = build.lines.filter((l) => l.type === 'guest').map((l) => l.state);
    expect(states).toEqual(['booting', 'installing', 'powered-off', 'captured']);
    const phases = build.lines.filter((l) => l.type === 'phase' && l.state === 'end').map((l) => l.phase);
    expect(phases).toEqual(['media', 'install', 'capture']);

    // The record: inputs, accelerator, timings, the package manifest read from the guest.
    const record = result.record;
    expect(record.arch).toBe(arch);
    expect(record.accelerator).toBe('tcg');
    // The firmware the installer booted under is an input, unless it is BIOS (keys made before kiln knew firmware).
    const firmwareInput = layout.installer === 'bios' ? [] : ['firmware'];
    // The template's `rootpw --iscrypted locked` is a secret: keyed by its HMAC, never its hash.
    expect(record.inputs.map((i) => i.name)).toEqual(['kickstart', 'secrets', 'treeinfo', 'kernel', 'initrd', 'payload', 'arch', ...firmwareInput, 'disk-size', 'installer', 'kiln']);
    expect(record.inputs.find((i) => i.name === 'secrets')?.sha256).toBe(keyedHash(await storeSecret(runStoreDir()), ['locked']));
    expect(record.timings.map((t) => t.phase)).toEqual(['media', 'install', 'capture']);
    const names = record.packages.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['openssh-server', 'cloud-init', 'grub-pc', 'systemd']));
    expect(names.some((n) => n.startsWith('linux-image-'))).toBe(true);
    expect(record.disk.virtualSize).toBe(4 * 1024 ** 3);
    // Which firmwares boot the disk, read from it at capture (x86_64: Debian's signed shim at the
    // removable-media path, so Secure Boot too).
    expect(record.installer.firmware).toBe(layout.installer);
    expect(record.boot, 'the record says which firmwares boot the disk').toMatchObject({ table: layout.table, firmware: layout.firmware });
    if (layout.firmware.includes('uefi-secure')) expect(record.boot!.esp).toMatchObject({ loader: expect.stringMatching(/^EFI\/BOOT\/BOOTX64\.EFI$/i), signer: expect.stringMatching(/\S/) });

    // The store entry: read-only disk, manifests beside it.
    const base = await openStore(runStoreDir()).resolve(result.id);
    expect((await stat(base.disk)).mode & 0o222).toBe(0);
    expect(JSON.parse(await readFile(join(base.dir, 'manifest.json'), 'utf8'))).toHaveLength(record.packages.length);
    expect(await readFile(join(base.dir, 'icicle.xml'), 'utf8')).toMatch(/<package name="openssh-server-[^"]+"/);

    // The logs: console, installer log, domain XML, the kickstart used (no secrets).
    const logs = await readdir(record.logDir);
    expect(logs).toEqual(expect.arrayContaining(['console.log', 'installer.log', 'domain.xml', 'kickstart.cfg', 'build.jsonl']));
    const installerLog = await readFile(join(record.logDir, 'installer.log'), 'utf8');
    expect(installerLog).toContain('Installing the liveimg payload');
    expect(installerLog).toContain(layout.storage);
    const ks = await readFile(join(record.logDir, 'kickstart.cfg'), 'utf8');
    expect(ks).toMatch(/^poweroff$/m);
    expect(ks).toContain('REDACTED');
    expect(ks).toMatch(/liveimg --url=http:\/\/10\.0\.2\.2:\d+\/relay\/0\//);
    const domainXml = await readFile(join(record.logDir, 'domain.xml'), 'utf8');
    expect(domainXml).toContain(`org.fedoraproject.anaconda.log.0`);
    expect(domainXml).toContain(layout.os);
    expect(domainsOf(build.lines)).toHaveLength(1);
    expect(await stillThere(domainsOf(build.lines))).toEqual([]);

    // The captured disk boots by itself (no kernel given) under SeaBIOS: BIOS → GRUB → the
    // installed system. For x86_64 that is the GRUB the template's %post added after the UEFI install.
    const overlay = join(scratch, `${arch}.qcow2`);
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base.disk, overlay], { timeoutMs: 30_000 });
    const boot = await bootAndTalk(arch, overlay, [{ expect: /GNU GRUB|Booting/ }, { expect: /login:\s*$/m }], 10 * 60_000);
    expect(boot.output).toContain('login:');
  });

  it('a second identical build is a store hit: no guest is started', async () => {
    const build = await kilnBuild(arch);
    expect(build.code, build.errorText).toBe(0);
    expect(build.result!.storeHit).toBe(true);
    expect(build.lines.filter((l) => l.type === 'guest')).toEqual([]);
    expect(build.lines).toContainEqual(expect.objectContaining({ type: 'phase', phase: 'install', state: 'skip' }));
  });
});

describe('failures end fast and leave nothing behind', () => {
  async function kickstartFile(name: string, lines: string[]): Promise<string> {
    const path = join(scratch, name);
    await writeFile(path, lines.join('\n') + '\n');
    return path;
  }

  it('a kickstart kiln rejects fails before any guest starts, naming file and line', async () => {
    const before = await storeLeftovers();
    const ks = await kickstartFile('bad-option.ks', ['text', 'part / --fstype=ext4 --sise=2048', 'rootpw --lock', 'poweroff']);
    const build = await kilnBuild('x86_64', ['--kickstart', ks]);
    expect(build.code).toBe(1);
    expect(build.errorText).toContain(`${ks}:2: part: unknown option --sise (did you mean --size?)`);
    expect(build.lines.some((l) => l.type === 'guest')).toBe(false);
    expect(await storeLeftovers()).toEqual(before);
  });

  it('an installer-side kickstart error ends the build within seconds of the line, with the line and the log tail', async () => {
    const before = await storeLeftovers();
    const build = await kilnBuild('x86_64', ['--kickstart', await kickstartFile('no-such-disk.ks', ['part / --fstype=ext4 --size=1024 --grow --ondisk=sdz'])]);
    expect(build.code).toBe(1);
    const error = build.lines.at(-1)!;
    expect(error).toMatchObject({ type: 'error', code: 'INSTALL_FAILED' });
    expect(build.errorText).toContain('The following problem occurred on line');
    expect(build.errorText).toContain('last ');
    // Seconds, not a timeout: the failure came right after the error line was logged.
    const failedAt = Date.parse(String(build.lines.find((l) => l.type === 'guest' && l.state === 'failed')!.time));
    const installingAt = Date.parse(String(build.lines.find((l) => l.type === 'guest' && l.state === 'installing')!.time));
    expect(failedAt - installingAt).toBeLessThan(60_000);
    expect(await stillThere(domainsOf(build.lines))).toEqual([]);
    expect(await storeLeftovers()).toEqual(before);
  });

  it('a %pre-install that sleeps forever is caught by the stall watchdog; --keep-failed keeps the disk and says where', async () => {
    const before = await storeLeftovers();
    // %pre-install (the disk is partitioned and mounted, the payload not yet unpacked): a stall is a
    // stall wherever it is, and this one costs no payload install (the %post test below has one).
    const ks = await kickstartFile('sleepy-pre-install.ks', ['%pre-install', 'sleep 100000', '%end']);
    // 60 s: OVMF starts and the installer's first stage boots and fetches its second one before
    // anything is written, which under a loaded TCG host can be quiet for 20 s (BIOS) plus OVMF's
    // own start; the stall must be the script's.
    const build = await kilnBuild('x86_64', ['--kickstart', ks, '--stall-timeout', '60', '--keep-failed']);
    expect(build.code).toBe(1);
    expect(build.lines.at(-1)).toMatchObject({ type: 'error', code: 'INSTALL_STALLED' });
    expect(build.errorText).toContain('for 60 s (--stall-timeout)');
    expect(build.errorText).toContain('Running kickstart %pre-install script(s)');
    const kept = /kept at (\S+\.qcow2)/.exec(build.errorText)?.[1];
    expect(kept).toBeDefined();
    await access(kept!);
    expect(await stillThere(domainsOf(build.lines))).toEqual([]);
    expect(await storeLeftovers()).toEqual(before);
  });

  it('a tree without its installer image fails in seconds with dracut\'s message, not after its initqueue wait', async () => {
    const before = await storeLeftovers();
    const dir = join(scratch, 'no-stage2');
    const source = inject('kilnTrees').x86_64.dir;
    await mkdir(join(dir, 'images/pxeboot'), { recursive: true });
    for (const f of ['.treeinfo', KERNEL_PATH, INITRD_PATH]) await link(join(source, f), join(dir, f));
    // The same .treeinfo, kernel and initrd as the install above: a kickstart of its own keeps it from being a store hit.
    const ks = await kickstartFile('no-stage2.ks', ['%pre', 'echo kiln test: a tree without its installer image', '%end']);
    const build = await kilnBuild('x86_64', ['-v', '--kickstart', ks, ...fromTree(dir)]);
    expect(build.code).toBe(1);
    expect(build.lines.at(-1)).toMatchObject({ type: 'error', code: 'INSTALL_FAILED' });
    expect(build.errorText).toContain('the installer image (stage2) could not be fetched from the install tree');
    expect(build.errorText).toMatch(/matched: .*Warning: anaconda: failed to fetch stage2 from http:\/\/10\.0\.2\.2:\d+\/tree/);
    expect(servedPaths(build)).toEqual(expect.arrayContaining(['/tree/.treeinfo', `/tree/${STAGE2_PATH}`, '/tree/LiveOS/squashfs.img']));
    const booting = Date.parse(String(build.lines.find((l) => l.type === 'guest' && l.state === 'booting')!.time));
    const failed = Date.parse(String(build.lines.find((l) => l.type === 'guest' && l.state === 'failed')!.time));
    // dracut itself would wait 180 s; OVMF's start under TCG comes before the kernel's.
    expect(failed - booting).toBeLessThan(120_000);
    expect(domainsOf(build.lines)).toHaveLength(1);
    expect(await stillThere(domainsOf(build.lines))).toEqual([]);
    expect(await storeLeftovers()).toEqual(before);
  });

  it('a failed %post --erroronfail leaves the installer waiting; kiln ends the build from the log line and destroys the guest', async () => {
    const before = await storeLeftovers();
    const ks = await kickstartFile('post-fails.ks', ['%post --erroronfail', 'echo KILN-POST about to fail', 'exit 7', '%end']);
    // A loopback tree URL by host name: relayed to the guest like the other loopback URLs.
    const build = await kilnBuild('x86_64', ['-v', '--kickstart', ks, ...fromTree(`http://localhost:${PAYLOAD_PORT}/x86_64`)]);
    expect(build.code).toBe(1);
    expect(build.lines.at(-1)).toMatchObject({ type: 'error', code: 'INSTALL_FAILED' });
    expect(build.errorText).toContain('a %post --erroronfail script failed');
    expect(build.errorText).toMatch(/matched: .*There was an error running the kickstart script at line \d+/);
    expect(servedPaths(build)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^/relay/\\d+/${STAGE2_PATH}$`))]));

    // The guest was still up when kiln acted: no power-off of its own, no stop before the failure.
    const states = build.lines.filter((l) => l.type === 'guest').map((l) => l.state);
    expect(states).toEqual(['booting', 'installing', 'failed']);
    const logDir = /logs in (\S+)/.exec(String(build.lines.find((l) => l.type === 'message' && /logs in /.test(String(l.text)))!.text))![1]!;
    const consoleLog = await readFile(join(logDir, 'console.log'), 'utf8');
    const installerLog = await readFile(join(logDir, 'installer.log'), 'utf8');
    expect(installerLog).toContain('KILN-POST about to fail');
    expect(`${consoleLog}\n${installerLog}`).not.toMatch(/reboot: Power down|powering off|rebooting/);
    expect(domainsOf(build.lines)).toHaveLength(1);
    expect(await stillThere(domainsOf(build.lines))).toEqual([]);
    expect(await storeLeftovers()).toEqual(before);
  });

  it('SIGINT during the install destroys the domain and removes temporary files', async () => {
    const before = await storeLeftovers();
    const ks = await kickstartFile('slow-pre.ks', ['%pre', 'sleep 100000', '%end']);
    const cli = join(PROJECT_ROOT, 'dist/src/cli/main.js');
    const child = spawn(process.execPath, [cli, ...buildArgs('x86_64', ['--kickstart', ks, '--json'])], { timeoutMs: 10 * 60_000, stdout: 'pipe' });
    let out = '';
    const installing = new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"state":"installing"')) resolve();
      });
    });
    await installing;
    const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const domains = domainsOf(lines());
    expect(await stillThere(domains)).toEqual(domains);
    child.kill('SIGINT');
    const exit = await child.catch((error: { exitCode?: number }) => error);
    expect((exit as { exitCode?: number }).exitCode).toBe(130);
    expect(out).toContain('"code":"INTERRUPTED"');
    expect(await stillThere(domains)).toEqual([]);
    expect(await storeLeftovers()).toEqual(before);
  });

  /** Starts `kiln build --json` as its own process group; resolves once the guest is installing. */
  async function buildUntilInstalling(ks: string, extra: string[] = []) {
    const cli = join(PROJECT_ROOT, 'dist/src/cli/main.js');
    const child = nodeSpawn(process.execPath, [cli, ...buildArgs('x86_64', ['--kickstart', ks, '--json', ...extra])], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('"state":"installing"')) resolve();
      });
      void exited.then(() => reject(new Error(`kiln build exited early:\n${out.slice(-2000)}${err}`)));
    });
    const domains = domainsOf(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>));
    const within = (ms: number) => Promise.race([exited, new Promise<string>((r) => setTimeout(() => r(`still running ${ms / 1000} s later`), ms))]);
    return { child, domains, within, output: () => out, errors: () => err };
  }

  it('three Ctrl-C force the exit within seconds, and libvirt destroys the guest with the connection', async () => {
    const ks = await kickstartFile('slow-pre-3.ks', ['%pre', 'sleep 100000', '%end']);
    const run = await buildUntilInstalling(ks);
    try {
      for (let i = 0; i < 3; i++) process.kill(-run.child.pid!, 'SIGINT');
      expect(await run.within(15_000)).toBe(130);
      await expect.poll(() => stillThere(run.domains), { timeout: 15_000 }).toEqual([]);
    } finally {
      try {
        process.kill(-run.child.pid!, 'SIGKILL');
      } catch {}
    }
  });

  it('output piped into a command that stops reading (| head): the build stops, cleans up and exits quietly', async () => {
    const before = await storeLeftovers();
    // A %pre that keeps talking on the console, as an install does: kiln learns that its reader
    // went away when it next writes (a pipe says so only to a writer), and -v writes each line.
    const ks = await kickstartFile('slow-pre-head.ks', ['%pre', 'while :; do echo "kiln test: still in %pre" > /dev/console; sleep 2; done', '%end']);
    const run = await buildUntilInstalling(ks, ['-v']);
    try {
      // What head does after its 40 lines: close its end of the pipe.
      run.child.stdout.destroy();
      expect(await run.within(60_000)).toBe(141);
      expect(run.errors()).not.toMatch(/EPIPE|at .*\.js:\d+/);
      expect(await stillThere(run.domains)).toEqual([]);
      expect(await storeLeftovers()).toEqual(before);
    } finally {
      try {
        process.kill(-run.child.pid!, 'SIGKILL');
      } catch {}
    }
  });
});
