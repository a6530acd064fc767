/**
 * `kiln drop` for real: a two-arch drop (a generic x86_64 image as openstack qcow2 + raw.xz, an EC2
 * image of both arches published to the local AWS-compatible endpoint, and a failable i686-only image whose
 * install fails) with boot tests on and a signed CHECKSUM. Its installs are store hits of the
 * install test's base images (the same kickstart: boot_layout hybrid, which is Fedora's hybrid
 * layout installed under UEFI on x86_64 and the BIOS layout on i686). Its boot tests take each
 * disk's default firmware, SeaBIOS for both arches (the hybrid disk boots BIOS too; OVMF and
 * Secure Boot are booted by boot-test.test.ts and targets.test.ts), and its AMIs are registered
 * uefi-preferred (x86_64, hybrid) and legacy-bios (i386), as amis.json records. It is
 * interrupted mid-way with SIGINT to its process group (TERMINATED, no guest, no half-written
 * file), then run again: it resumes the same compose, redoes nothing that was complete, and ends
 * FINISHED_INCOMPLETE (only the failable image failed). Then the layout, STATUS, images.json
 * against productmd's rules, the CHECKSUM with sha256sum -c and gpgv, the AMI record, `kiln drop
 * status`. The resumed run imports the compose into a real Koji hub as it finishes
 * (`--koji-import`): the one image with files in the compose becomes one build, read back
 * with getBuild, listArchives and getBuildLogs against the compose's own files and CHECKSUM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openHypervisor, type Hypervisor } from '../../hypervisor/index.js';
import { run } from '../../src/core/run.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { assertProductmdValid, exportPublicKey, parseChecksumFile } from '../../src/compose/index.js';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from '../fixtures/aws-endpoint/server.js';
import { payloadUrl, testDropSpecLines } from '../../scripts/test-installer/serve.js';
import { runStoreDir } from './fixtures/base-image.js';
import { runCli } from '../cli/helpers.js';
import { guestScratch } from './fixtures/scratch.js';
import { sha256File } from '../../src/core/hash.js';
import { BUILD_STATE, getBuild, getBuildLogs, listArchives, type KojiSession } from '../../src/providers/koji/index.js';
import { CG, startKojiHub, USERS, type KojiHub } from '../fixtures/koji-hub/hub.js';

let work: string;
let gnupg: string;
let aws: FakeAwsEndpoint;
let hv: Hypervisor;
let hub: KojiHub;
let admin: KojiSession;
const KEY = 'kiln drop test <drop@kiln.test>';

function spec(endpoint: string): string {
  return [
    ...testDropSpecLines([
      // One arch for the generic image keeps the test's boots to three; the EC2 image has both.
      { name: 'Fedora-Cloud-Base', targets: ['openstack', 'raw-xz'], extra: ['arches: [x86_64]'] },
      { name: 'Fedora-Cloud-Base-AmazonEC2', targets: ['ec2'] },
    ]),
    '  - name: Fedora-Cloud-Broken',
    '    kickstart: broken.ks',
    '    arches: [i686]',
    '    failable: [i686]',
    '    targets: [openstack]',
    'publish:',
    `  ec2: { regions: [us-east-1, eu-west-1], public: false, endpoint-url: "${endpoint}", tags: { milestone: "{label}" } }`,
    'test: boot',
    '',
  ].join('\n');
}

function dropArgs(): string[] {
  return [join(PROJECT_ROOT, 'dist/src/cli/main.js'), 'drop', join(work, 'cloud.drop.yaml'), '--label', 'Beta-1.3', '--out', join(work, 'composes'),
    '--store', runStoreDir(), '--xz-level', '0', '--accel', 'tcg', '--sign-key', 'drop@kiln.test', '--json'];
}

beforeAll(async () => {
  work = await guestScratch('kiln-drop-it-');
  gnupg = join(work, 'gnupg');
  await run('mkdir', ['-m', '700', gnupg], { timeoutMs: 10_000 });
  await run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', KEY, 'ed25519', 'sign', '1d'], { timeoutMs: 120_000, env: { GNUPGHOME: gnupg } });
  aws = await startFakeAwsEndpoint();
  await writeFile(join(work, 'cloud.drop.yaml'), spec(aws.url));
  // A %pre that fails: Anaconda (and its test double) stop the install with the script's error.
  await writeFile(join(work, 'broken.ks'), ['text', 'autopart', 'rootpw --lock', `liveimg --url=${payloadUrl('i686')}`, '%pre --erroronfail', 'exit 3', '%end', ''].join('\n'));
  hv = await openHypervisor({});
  hub = await startKojiHub((line) => process.stderr.write(`[drop koji] ${line}\n`));
  admin = await hub.login('admin');
});

afterAll(async () => {
  await hv?.close();
  await aws?.close();
  await admin?.close();
  await hub?.stop();
  await run('gpgconf', ['--kill', 'all'], { timeoutMs: 30_000, env: { GNUPGHOME: gnupg } }).catch(() => {});
  if (work) await rm(work, { recursive: true, force: true });
});

const env = () => ({ ...process.env, GNUPGHOME: gnupg, AWS_ACCESS_KEY_ID: 'kiln-test', AWS_SECRET_ACCESS_KEY: 'kiln-test-secret', AWS_REGION: 'us-east-1' });
const lines = (out: string) => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('kiln drop', () => {
  let composeDir: string;
  let firstDone: string[];

  it("refuses at once an --out that libvirt's QEMU user cannot pass (the boot tests boot the outputs there), before anything is made", async () => {
    const closed = join(work, 'closed');
    await mkdir(closed, { mode: 0o700 });
    const started = Date.now();
    const r = await runCli(['drop', join(work, 'cloud.drop.yaml'), '--label', 'Beta-1.3', '--out', join(closed, 'composes'), '--store', runStoreDir(), '--accel', 'tcg'], { env: env() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`cannot pass ${closed} (mode 0700) to reach ${join(closed, 'composes')}, where the boot tests boot the drop's outputs`);
    expect(await readdir(closed)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('stops cleanly on SIGINT mid-way: TERMINATED, no guest left, nothing half-written in the compose', async () => {
    const child = spawn(process.execPath, dropArgs(), { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: env() });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Interrupt once one item has its outputs and a boot test is running.
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/"step":"targets","state":"done"/.test(out) && /"step":"test","state":"running"/.test(out)) resolve();
        });
        void exited.then(() => reject(new Error(`kiln drop exited early:\n${out.slice(-3000)}`)));
      });
      process.kill(-child.pid!, 'SIGINT');
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running 120 s after SIGINT'), 120_000))])).toBe(130);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }
    expect(out).toContain('"code":"INTERRUPTED"');
    const events = lines(out);
    firstDone = events.filter((e) => e.type === 'step' && e.step === 'targets' && e.state === 'done').map((e) => String(e.row));
    const domains = [...new Set(events.filter((e) => e.type === 'guest').map((e) => String(e.domain)))];
    const alive = new Set(await hv.listDomains());
    expect(domains.filter((d) => alive.has(d))).toEqual([]);
    const [name] = await readdir(join(work, 'composes'));
    composeDir = join(work, 'composes', name!);
    expect((await readFile(join(composeDir, 'STATUS'), 'utf8')).trim()).toBe('TERMINATED');
    for (const arch of ['x86_64', 'i386']) {
      const files = await readdir(join(composeDir, 'compose/Cloud', arch, 'images')).catch(() => [] as string[]);
      expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
    }
  });

  it('run again: resumes the same compose, redoes nothing complete, ends FINISHED_INCOMPLETE (the failable image failed)', async () => {
    // No --koji-tag: tagging is a task a Koji builder runs (koji.test.ts has one, and tags).
    const koji = ['--koji-import', '--hub', hub.url, '--cert', hub.pki.cg, '--serverca', hub.pki.ca, '--cg', CG];
    const child = spawn(process.execPath, [...dropArgs(), ...koji], { stdio: ['ignore', 'pipe', 'pipe'], env: env() });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, `${out.slice(-4000)}\n${err}`).toBe(0);
    const events = lines(out);
    const result = events.at(-1) as { type: string; data: { composeId: string; status: string; resumed: boolean; dir: string; koji?: unknown[] } };
    expect(result.data).toMatchObject({ composeId: expect.stringMatching(/^Fedora-Cloud-19-\d{8}\.0$/), status: 'FINISHED_INCOMPLETE', resumed: true, dir: composeDir });
    // Installs are store hits; the outputs finished before the interrupt were kept, not made again.
    expect(events.filter((e) => e.type === 'guest' && e.state === 'installing').length).toBeGreaterThanOrEqual(1); // the broken image tries again
    expect(events.some((e) => e.type === 'phase' && e.phase === 'install' && e.state === 'skip')).toBe(true);
    for (const row of firstDone) {
      const prepAgain = events.filter((e) => e.type === 'phase' && String(e.phase).startsWith('prep:') && e.state === 'start' && String(e.scope).startsWith(row));
      expect(prepAgain, row).toEqual([]);
    }
    expect(events).toContainEqual(expect.objectContaining({ type: 'message', level: 'warn', code: 'DROP_INCOMPLETE' }));
    // Imported as it finished: one build (the EC2 image's product is its AMIs; the broken one failed).
    expect(result.data.koji).toEqual([expect.objectContaining({ nvr: 'Fedora-Cloud-Base-19_Beta-1.3', imported: true })]);
  });

  it('boots its test guests with one vCPU under TCG (a drop\'s guests share the cores)', async () => {
    const { stdout } = await run('find', [join(composeDir, 'logs'), '-path', '*/test/*', '-name', 'domain.xml'], { timeoutMs: 30_000 });
    const files = stdout.trim().split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(await readFile(f, 'utf8'), f).toMatch(/<vcpu[^>]*>1<\/vcpu>/);
  });

  it('lays the compose out as Pungi does, with productmd metadata that passes productmd’s rules', async () => {
    expect((await readFile(join(composeDir, 'STATUS'), 'utf8')).trim()).toBe('FINISHED_INCOMPLETE');
    expect(await readFile(join(composeDir, 'COMPOSE_ID'), 'utf8')).toMatch(/^Fedora-Cloud-19-\d{8}\.\d+$/);
    const images = JSON.parse(await readFile(join(composeDir, 'compose/metadata/images.json'), 'utf8')) as { payload: { images: Record<string, Record<string, { path: string; type: string; format: string }[]>> } };
    assertProductmdValid('images.json', images);
    assertProductmdValid('composeinfo.json', JSON.parse(await readFile(join(composeDir, 'compose/metadata/composeinfo.json'), 'utf8')));
    const listed = Object.fromEntries(Object.entries(images.payload.images.Cloud!).map(([arch, list]) => [arch, list.map((i) => `${i.path} ${i.type}/${i.format}`).sort()]));
    expect(listed).toEqual({
      x86_64: ['Cloud/x86_64/images/Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2 qcow2/qcow2', 'Cloud/x86_64/images/Fedora-Cloud-Base-19_Beta-1.3.x86_64.raw.xz raw-xz/raw.xz'],
    });
    // The failed failable image is nowhere in the compose.
    expect(JSON.stringify(images)).not.toContain('Broken');
  });

  it('signs the CHECKSUM of an arch with images, which gpgv verifies and sha256sum -c accepts', async () => {
    const keyring = join(work, 'keyring.gpg');
    await exportPublicKey('drop@kiln.test', keyring, { gnupgHome: gnupg });
    expect(await readdir(join(composeDir, 'compose/Cloud/i386/images')).catch(() => [])).toEqual([]);
    for (const arch of ['x86_64']) {
      const dir = join(composeDir, 'compose/Cloud', arch, 'images');
      const file = `Fedora-Cloud-19_Beta-1.3-${arch}-CHECKSUM`;
      await run('gpgv', ['--keyring', keyring, join(dir, file)], { timeoutMs: 60_000 });
      const sums = await run('sha256sum', ['-c', '--ignore-missing', file], { timeoutMs: 600_000, cwd: dir });
      expect(sums.stdout).toMatch(/\.qcow2: OK/);
      expect(parseChecksumFile(await readFile(join(dir, file), 'utf8')).map((e) => e.file).sort()).toEqual(
        [`Fedora-Cloud-Base-19_Beta-1.3.${arch}.qcow2`, `Fedora-Cloud-Base-19_Beta-1.3.${arch}.raw.xz`],
      );
    }
  });

  it('is one Koji build holding the compose\'s files (same checksums as its CHECKSUM), the install and boot-test logs', async () => {
    const build = (await getBuild(admin, 'Fedora-Cloud-Base-19_Beta-1.3'))!;
    expect(build).toMatchObject({ state: BUILD_STATE.COMPLETE, cg_name: CG, owner_name: USERS.cg, version: '19_Beta', release: '1.3' });
    expect(await getBuild(admin, 'Fedora-Cloud-Base-AmazonEC2-19_Beta-1.3')).toBeNull();
    expect(await getBuild(admin, 'Fedora-Cloud-Broken-19_Beta-1.3')).toBeNull();

    const dir = join(composeDir, 'compose/Cloud/x86_64/images');
    const sums = new Map(parseChecksumFile(await readFile(join(dir, 'Fedora-Cloud-19_Beta-1.3-x86_64-CHECKSUM'), 'utf8')).map((e) => [e.file, e.sha256]));
    const archives = await listArchives(admin, build.id);
    const images = archives.filter((a) => sums.has(a.filename));
    expect(images.map((a) => a.filename).sort()).toEqual([...sums.keys()].sort());
    const kojiDir = join(hub.base, 'koji/packages/Fedora-Cloud-Base/19_Beta/1.3/images');
    for (const a of images) {
      expect(a.checksum).toBe(sums.get(a.filename));
      expect(await sha256File(join(kojiDir, a.filename))).toBe(a.checksum);
    }

    const logs = await getBuildLogs(admin, build.id);
    const names = logs.map((l) => `${l.dir}/${l.name}`);
    expect(names).toEqual(expect.arrayContaining(['x86_64/installer.log', 'x86_64/console.log', 'x86_64/kickstart.cfg']));
    expect(logs.some((l) => l.dir === 'x86_64/test'), names.join(' ')).toBe(true);
    const installerLog = logs.find((l) => l.dir === 'x86_64' && l.name === 'installer.log')!;
    expect(await sha256File(join(hub.base, 'koji', installerLog.path))).toBe(await sha256File(join(composeDir, 'logs/x86_64/Fedora-Cloud-Base/install/installer.log')));
  });

  it('records the AMIs of both arches in both regions, and kiln drop status tells the story', async () => {
    const amis = JSON.parse(await readFile(join(composeDir, 'compose/metadata/amis.json'), 'utf8')) as { amis: { arch: string; region: string; imageId: string; bootMode?: string }[] };
    expect(amis.amis.map((a) => `${a.arch} ${a.region}`).sort()).toEqual(['i386 eu-west-1', 'i386 us-east-1', 'x86_64 eu-west-1', 'x86_64 us-east-1']);
    for (const a of amis.amis) expect(a.imageId).toMatch(/^ami-[0-9a-f]+$/);
    // The hybrid x86_64 disk is registered as Fedora's are (UEFI where the instance type has it,
    // else BIOS); i386 has no UEFI on EC2. The record says so, and so does what the endpoint holds.
    const mode = { x86_64: 'uefi-preferred', i386: 'legacy-bios' } as Record<string, string>;
    for (const a of amis.amis) {
      expect(a.bootMode, `${a.arch} ${a.region}`).toBe(mode[a.arch]);
      expect(aws.state.images.get(a.imageId)?.bootMode, `${a.arch} ${a.region} as registered`).toBe(mode[a.arch]);
    }
    const status = await runCli(['drop', 'status', composeDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/FINISHED_INCOMPLETE \(Beta-1\.3\)/);
    expect(status.stdout).toMatch(/Fedora-Cloud-Broken +i386 +FAILED/);
    expect(status.stdout).toMatch(/Fedora-Cloud-Base-AmazonEC2 +x86_64 +ok +ok +ok +ok/);
    // The EC2 images were booted the EC2 way: cloud-init found the emulated metadata service, the key
    // came from it, and prep locked root; the generic image took its NoCloud seed.
    const checksOf = async (arch: string, image: string) => {
      const dir = join(composeDir, 'logs', arch, image, 'test');
      const [file] = await readdir(dir);
      const report = JSON.parse(await readFile(join(dir, file!, 'report.json'), 'utf8')) as { checks: { name: string; status: string }[] };
      return Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
    };
    // Under SeaBIOS, the default for disks that boot BIOS (the x86_64 one is hybrid).
    for (const arch of ['x86_64', 'i386']) {
      expect(await checksOf(arch, 'Fedora-Cloud-Base-AmazonEC2'), arch).toMatchObject({ 'boot (bios)': 'pass', 'booted under BIOS': 'pass', 'datasource Ec2': 'pass', 'key from the metadata service': 'pass', 'root password locked': 'pass' });
    }
    expect(await checksOf('x86_64', 'Fedora-Cloud-Base')).toMatchObject({ 'boot (bios)': 'pass', 'booted under BIOS': 'pass', 'datasource NoCloud': 'pass' });
    // Every item's logs are in the compose: the install's and the boot test's.
    expect(await readdir(join(composeDir, 'logs/x86_64/Fedora-Cloud-Base/install'))).toEqual(expect.arrayContaining(['console.log', 'installer.log', 'kickstart.cfg', 'domain.xml']));
    expect(await readdir(join(composeDir, 'logs/i386/Fedora-Cloud-Broken/install'))).toEqual(expect.arrayContaining(['installer.log']));
  });
});
