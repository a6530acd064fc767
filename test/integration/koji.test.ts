/**
 * Koji for real: a hub (Apache + mod_wsgi + PostgreSQL, the pinned Koji source) and a kojid with
 * kiln's builder plugin, both from test/fixtures/koji-hub. The outputs of `kiln target` (made from
 * the test double's base images of both arches, in the run's shared store) are imported with
 * `kiln koji import` and read back with getBuild, listArchives and getBuildLogs, every checksum
 * checked against the files Koji keeps; a re-import changes nothing; a tampered file is refused
 * before anything is reserved. kojid then runs one kilnBuild task end to end (build, target,
 * import) and cancels another mid-install, which leaves no guest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile, open as openFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { run } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import { collect } from '../../src/core/events.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { runTargets } from '../../src/targets/run-targets.js';
import type { TargetsRecord } from '../../src/targets/types.js';
import { readRecordFile } from '../../src/targets/record-file.js';
import type { BaseImage } from '../../src/store/store.js';
import { openHypervisor, type Hypervisor } from '../../hypervisor/index.js';
import { BUILD_STATE, TASK_STATE, getBuild, getBuildLogs, listArchives, type KojiSession } from '../../src/providers/koji/index.js';
import { uploadToHub } from '../../src/providers/koji/upload.js';
import { kojiImport } from '../../src/pipeline/koji/koji-import.js';
import { templateBuildArgs } from '../../scripts/test-installer/serve.js';
import { baseImageFor, runStoreDir, TEST_BUILD_ARGS } from './fixtures/base-image.js';
import { runCli } from '../cli/helpers.js';
import { CG, CG_PASSWORD, startKojiHub, USERS, type KojiHub } from '../fixtures/koji-hub/hub.js';
import { startKojid, type Kojid } from '../fixtures/koji-hub/kojid.js';

const NAME = 'kiln-test-image';
const TAG = 'kiln-candidate';
const log = (line: string) => process.stderr.write(`[koji] ${line}\n`);

let hub: KojiHub;
let kojid: Kojid;
let admin: KojiSession;
let hv: Hypervisor;
let work: string;
let out: string;
let bases: BaseImage[];
let record: TargetsRecord;
const timings: Record<string, number> = {};

async function timed<T>(name: string, body: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await body();
  } finally {
    timings[name] = Math.round(performance.now() - t) / 1000;
  }
}

function importArgs(dir: string, release: string, extra: string[] = []): string[] {
  return ['koji', 'import', dir, '--name', NAME, '--version', '19', '--release', release, '--hub', hub.url, '--cert', hub.pki.cg, '--serverca', hub.pki.ca, '--cg', CG, '--store', runStoreDir(), '--json', ...extra];
}

function jsonLines(stdout: string): Record<string, any>[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
}

const kilnDomains = async () => (await hv.listDomains()).filter((d) => d.startsWith('kiln-'));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-koji-it-'));
  out = join(work, 'out');
  hv = await openHypervisor({});
  bases = [await baseImageFor('x86_64'), await baseImageFor('i686')];
  for (const base of bases) {
    // Both arches into one directory (targets.json merges), as a drop's images would be.
    record = await timed(`kiln target openstack ${base.record.arch}`, () => runTargets({ base, targets: ['openstack'], outDir: out, accel: 'tcg', prep: false, emit: () => {} }));
  }
  hub = await timed('hub up', () => startKojiHub(log));
  admin = await hub.login('admin');
  await admin.call('createTag', [TAG]);
  await admin.call('packageListAdd', [TAG, NAME], { owner: USERS.cg });
  await admin.call('grantPermission', [USERS.cg, 'tag']);
  kojid = await timed('kojid up', () =>
    startKojid(hub, {
      plugin: { kiln: `${process.execPath} ${join(PROJECT_ROOT, 'dist/src/cli/main.js')}`, store: runStoreDir(), cg: CG, cert: hub.pki.cg, serverca: hub.pki.ca, import: 'true' },
    }),
  );
});

afterAll(async () => {
  await kojid?.stop();
  await admin?.close();
  await hv?.close();
  if (hub) await timed('hub down', () => hub.stop());
  if (work) await rm(work, { recursive: true, force: true });
  log(`timings (s): ${JSON.stringify(timings)}`);
});

/** Where Koji keeps a build's files on the hub. */
const buildDir = (release: string) => join(hub.base, 'koji/packages', NAME, '19', release);

describe('kiln koji import', () => {
  it('imports the outputs of kiln target as one image build, tagged; Koji holds every file with the same checksum', async () => {
    const r = await timed('import', () => runCli(importArgs(out, '1', ['--tag', TAG])));
    expect(r.code, r.stderr).toBe(0);
    const result = jsonLines(r.stdout).at(-1)!.data;
    expect(result).toMatchObject({ nvr: `${NAME}-19-1`, imported: true, tag: { tag: TAG, alreadyTagged: false } });

    const build = (await getBuild(admin, `${NAME}-19-1`))!;
    expect(build).toMatchObject({ state: BUILD_STATE.COMPLETE, cg_name: CG, owner_name: USERS.cg, extra: { typeinfo: { image: {} } } });
    expect(build.source).toMatch(/^x86_64: kickstart sha256:[0-9a-f]{64} from tree .*; i686: kickstart sha256:[0-9a-f]{64} from tree .*; kiln \d/);

    // Archives: every output and record, with the size and SHA-256 of the local file and of Koji's copy.
    const archives = await listArchives(admin, build.id);
    const names = archives.map((a) => a.filename).sort();
    const outputs = (await readRecordFile(out))!.outputs;
    const shorts = bases.map((b) => `kiln-base-${b.id.slice(0, 12)}`);
    expect(names).toEqual(
      [...outputs.map((o) => o.file), 'kiln-targets.json', ...shorts.flatMap((s) => [`${s}.icicle.xml`, `${s}.manifest.json`, `${s}.record.json`])].sort(),
    );
    for (const a of archives) {
      expect(a).toMatchObject({ btype: 'image', checksum_type: 2 });
      const kept = join(buildDir('1'), 'images', a.filename);
      expect(await sha256File(kept)).toBe(a.checksum);
      const output = outputs.find((o) => o.file === a.filename);
      if (output) {
        expect(a).toMatchObject({ checksum: output.sha256, size: output.size, type_name: 'qcow2', extra: { image: { arch: output.base.arch }, kiln: { target: 'openstack' } } });
        expect(await sha256File(join(out, a.filename))).toBe(a.checksum);
      }
    }

    // Logs: each base's under its arch, byte for byte.
    const logs = await getBuildLogs(admin, build.id);
    for (const base of bases) {
      const arch = base.record.arch;
      const mine = logs.filter((l) => l.dir === arch).map((l) => l.name).sort();
      expect(mine).toEqual(['build.jsonl', 'console.log', 'domain.xml', 'installer.log', 'kickstart.cfg']);
      for (const name of mine) expect(await sha256File(join(hub.base, 'koji', logs.find((l) => l.dir === arch && l.name === name)!.path))).toBe(await sha256File(join(base.record.logDir, name)));
    }

    // One buildroot per base: kiln as content generator, no container, the host's tools; the
    // Debian payload's packages in the buildroot's extra (they are not rpms).
    const metadata = JSON.parse(await readFile(join(buildDir('1'), 'metadata.json'), 'utf8'));
    expect(metadata.buildroots).toHaveLength(2);
    for (const br of metadata.buildroots) {
      expect(br.content_generator.name).toBe(CG);
      expect(br.container.type).toBe('none');
      expect(br.tools.map((t: { name: string }) => t.name)).toEqual(['kiln', 'qemu', 'libvirt', 'libguestfs', 'xz']);
      expect(br.components).toEqual([]);
      expect(br.extra.kiln.packages.length).toBeGreaterThan(50);
      expect(br.extra.kiln.packages.find((p: { name: string }) => p.name === 'openssh-server')).toMatchObject({ type: 'deb' });
    }
    const brs = await admin.call<{ content_generator?: unknown; cg_name: string; container_type: string; host_os: string }>('getBuildroot', [archives[0]!.buildroot_id]);
    expect(brs).toMatchObject({ cg_name: CG, container_type: 'none' });

    const tags = await admin.call<{ name: string }[]>('listTags', [], { build: build.id });
    expect(tags.map((t) => t.name)).toEqual([TAG]);
  });

  it('a second run finds the same build and sends nothing (password login this time)', async () => {
    const before = await admin.call<unknown[]>('listBuilds', [], {});
    const pw = join(work, 'password');
    await writeFile(pw, `${CG_PASSWORD}\n`, { mode: 0o600 });
    const args = importArgs(out, '1', ['--tag', TAG]).filter((a, i, all) => a !== '--cert' && all[i - 1] !== '--cert');
    const r = await timed('re-import', () => runCli([...args, '--user', USERS.cg, '--password-file', pw]));
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.at(-1)!.data).toMatchObject({ imported: false, tag: { alreadyTagged: true } });
    expect(lines.some((l) => l.type === 'phase' && ['upload', 'import'].includes(l.phase))).toBe(false);
    expect(await admin.call<unknown[]>('listBuilds', [], {})).toEqual(before);
    expect(r.stdout + r.stderr).not.toContain(CG_PASSWORD);
  });

  it('a tampered file is refused before anything is reserved or uploaded; a different image under a taken NVR is an error', async () => {
    const tampered = join(work, 'tampered');
    await run('mkdir', ['-p', tampered], { timeoutMs: 10_000 });
    const one = record.outputs.find((o) => o.base.arch === 'i686')!;
    await copyFile(join(out, one.file), join(tampered, one.file));
    const targetsJson = JSON.parse(await readFile(join(out, 'targets.json'), 'utf8'));
    await writeFile(join(tampered, 'targets.json'), JSON.stringify({ ...targetsJson, outputs: [one] }));
    const fh = await openFile(join(tampered, one.file), 'r+');
    await fh.write(Buffer.from([0xff]), 0, 1, one.size - 1);
    await fh.close();
    const uploadsBefore = await readdir(join(hub.base, 'koji/work/kiln-cg')).catch(() => []);

    const bad = await runCli(importArgs(tampered, '2'));
    expect(bad.code).toBe(1);
    expect(jsonLines(bad.stdout).at(-1)).toMatchObject({ type: 'error', code: 'KOJI_FILE_MISMATCH' });
    expect(await getBuild(admin, `${NAME}-19-2`)).toBeNull();
    expect(await readdir(join(hub.base, 'koji/work/kiln-cg')).catch(() => [])).toEqual(uploadsBefore);

    // The same file untouched, but only one arch of the two: not what NAME-19-1 is.
    await copyFile(join(out, one.file), join(tampered, one.file));
    const taken = await runCli(importArgs(tampered, '1'));
    expect(taken.code).toBe(1);
    const error = jsonLines(taken.stdout).at(-1)!;
    expect(error).toMatchObject({ type: 'error', code: 'KOJI_NVR_TAKEN' });
    expect(error.details.join('\n')).toContain('in the Koji build only');
  });

  it('an import interrupted mid-upload gives its reservation back; the next run reuses the NVR and resumes the upload', async () => {
    // The tampered directory holds one untouched output again (previous test).
    const dir = join(work, 'tampered');
    const nvr = { name: NAME, version: '19', release: '4' };
    const request = { dir, nvr, hub: hub.url, cert: hub.pki.cg, serverca: hub.pki.ca, cg: CG, storeDir: runStoreDir() };
    const cut = new AbortController();
    const first = kojiImport({
      ...request,
      signal: cut.signal,
      emit: (e) => {
        if (e.type === 'progress' && e.task.startsWith('upload ') && e.task.endsWith('.qcow2') && e.done > 50 * 1024 * 1024) cut.abort(new Error('cut'));
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(await getBuild(admin, `${NAME}-19-4`)).toMatchObject({ state: BUILD_STATE.CANCELED });

    const events = collect();
    const second = await timed('resumed import', () => kojiImport({ ...request, emit: events.emit }));
    expect(second).toMatchObject({ nvr: `${NAME}-19-4`, imported: true });
    const resumed = events.events.find((e) => e.type === 'progress' && e.task.endsWith('.qcow2'));
    expect(resumed).toMatchObject({ detail: expect.stringMatching(/^resumed at \d+$/) });
    expect(await getBuild(admin, `${NAME}-19-4`)).toMatchObject({ state: BUILD_STATE.COMPLETE, id: second.buildId });
  });

  it('Koji faults reach the user with their code and text; a refused import gives its reservation back', async () => {
    const r = await runCli(importArgs(out, '3', ['--cg', 'no-such-cg']));
    expect(r.code).toBe(1);
    const error = jsonLines(r.stdout).at(-1)!;
    expect(error.code).toMatch(/^KOJI_/);
    expect(error.message).toMatch(/^Koji CGInitBuild: .*no-such-cg.* \(fault \d+, \w+\)$/);
    expect(await getBuild(admin, `${NAME}-19-3`)).toBeNull();

    // A hub whose certificate the given CA did not sign: a TLS error that says what to give.
    const tls = await runCli(importArgs(out, '3').map((a) => (a === hub.pki.ca ? hub.pki.admin : a)));
    expect(jsonLines(tls.stdout).at(-1)).toMatchObject({ type: 'error', code: 'KOJI_TLS' });
  });

  it('an upload cut off part way resumes where it stopped, and the hub has the whole file', async () => {
    const file = join(work, 'resume.bin');
    const data = randomBytes(9 * 1024 * 1024 + 123);
    await writeFile(file, data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const session = await hub.login('cg');
    try {
      const cut = new AbortController();
      const first = collect();
      const upload = (signal: AbortSignal | undefined, emit = first.emit) =>
        uploadToHub({ session, file, dir: 'kiln-resume-test', name: 'resume.bin', size: data.length, sha256, chunkSize: 1024 * 1024, emit, signal });
      const emitAndCut = (e: Parameters<typeof first.emit>[0]) => {
        first.emit(e);
        if (e.type === 'progress' && e.done >= 4 * 1024 * 1024) cut.abort(new Error('cut'));
      };
      await expect(upload(cut.signal, emitAndCut)).rejects.toMatchObject({ code: 'INTERRUPTED' });
      const result = await upload(undefined);
      expect(result.resumedFrom).toBeGreaterThanOrEqual(4 * 1024 * 1024);
      expect(result.resumedFrom + result.sent).toBe(data.length);
      const check = await session.call<{ size: number; hexdigest: string }>('checkUpload', ['kiln-resume-test', 'resume.bin'], { verify: 'sha256' });
      expect(check).toMatchObject({ size: data.length, hexdigest: sha256 });
    } finally {
      await session.close();
    }
  });
});

describe('the kojid builder plugin', () => {
  /** The task options that make the same `kiln build` as the integration tests' (a store hit: every --var, boot_layout too). */
  const buildOpts = (arch: 'x86_64', extra: Record<string, unknown> = {}) => {
    const args = templateBuildArgs(arch, inject('kilnTrees')[arch]);
    const flag = (name: string) => args[args.indexOf(name) + 1]!;
    const vars = Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === '--var' ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
    return {
      tree: flag('--tree'),
      template: flag('--template'),
      template_release: flag('--release'),
      vars,
      disk_size: TEST_BUILD_ARGS[TEST_BUILD_ARGS.indexOf('--disk-size') + 1],
      memory: Number(TEST_BUILD_ARGS[TEST_BUILD_ARGS.indexOf('--memory') + 1]),
      targets: ['openstack'],
      prep: false,
      ...extra,
    };
  };

  async function waitTask(id: number, until: (state: number) => boolean, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await admin.call<{ state: number }>('getTaskInfo', [id]);
      if (until(task.state)) return task.state;
      if (Date.now() > deadline) throw new Error(`task ${id} still in state ${task.state}; kojid log: ${kojid.log}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  const taskLog = (id: number, name: string) =>
    admin.call<string>('downloadTaskOutput', [id, name]).then((b64) => Buffer.from(b64, 'base64').toString('utf8'), () => '');

  it('the plugin tests pass with Koji\'s own code', async () => {
    const r = await run('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', join(PROJECT_ROOT, 'scripts/koji-plugin'), '-p', 'test_*.py'], {
      timeoutMs: 120_000,
      env: { PYTHONPATH: hub.src },
    });
    expect(r.stderr).toMatch(/Ran \d+ tests[\s\S]*OK/);
  });

  it('koji call kilnBuild: kojid runs kiln, streams its events into the task log and imports the image', async () => {
    const taskId = await admin.call<number>('kilnBuild', [NAME, '19', '10', 'x86_64', buildOpts('x86_64')]);
    const state = await timed('kilnBuild task', () => waitTask(taskId, (s) => s === TASK_STATE.CLOSED || s === TASK_STATE.FAILED || s === TASK_STATE.CANCELED, 20 * 60_000));
    const events = await taskLog(taskId, 'kiln-build.log');
    expect(state, `${events.slice(-3000)}\n${await taskLog(taskId, 'kiln-import.log').then((t) => t.slice(-3000))}`).toBe(TASK_STATE.CLOSED);
    const result = await admin.call<{ build_id: number; nvr: string; imported: boolean }>('getTaskResult', [taskId]);
    expect(result).toMatchObject({ nvr: `${NAME}-19-10`, imported: true });
    const lines = jsonLines(events);
    expect(lines.some((l) => l.type === 'phase' && l.phase === 'install')).toBe(true);
    expect(lines.at(-1)!.type).toBe('result');
    const archives = await listArchives(admin, result.build_id);
    const qcow2 = archives.find((a) => a.filename === `${NAME}-19.x86_64.qcow2`)!;
    expect(await sha256File(join(buildDir('10'), 'images', qcow2.filename))).toBe(qcow2.checksum);
    const output = await admin.call<string[]>('listTaskOutput', [taskId]);
    expect(output).toEqual(expect.arrayContaining(['kiln-build.log', 'kiln-import.log']));
  });

  it('cancelling a kilnBuild task mid-install ends kiln cleanly: no domain is left', async () => {
    const kickstart = '%pre\nsleep 100000\n%end\n';
    const taskId = await admin.call<number>('kilnBuild', [NAME, '19', '11', 'x86_64', buildOpts('x86_64', { kickstart })]);
    const leftoversBefore = await readdir(join(runStoreDir(), 'tmp'));
    const deadline = Date.now() + 10 * 60_000;
    let domain: string | undefined;
    while (!domain) {
      const installing = jsonLines(await taskLog(taskId, 'kiln-build.log')).find((l) => l.type === 'guest' && l.state === 'installing');
      domain = installing?.domain as string | undefined;
      if (Date.now() > deadline) throw new Error(`the task never reached the install; kojid log: ${kojid.log}`);
      if (!domain) await new Promise((r) => setTimeout(r, 1000));
    }
    // Other users of this libvirt may run guests too: only this task's domain is watched.
    const ours = async () => (await kilnDomains()).filter((d) => d === domain);
    expect(await ours()).toEqual([domain]);
    const cancelled = performance.now();
    await admin.call('cancelTask', [taskId]);
    await waitTask(taskId, (s) => s === TASK_STATE.CANCELED, 60_000);
    for (let i = 0; i < 60 && (await ours()).length > 0; i++) await new Promise((r) => setTimeout(r, 500));
    timings['cancel → no domain'] = Math.round(performance.now() - cancelled) / 1000;
    expect(await ours()).toEqual([]);
    // kiln ended on the signal (130). The hub takes no uploads for a cancelled task, so the
    // plugin's word in kojid's log is where that shows.
    const ended = () => readFile(kojid.log, 'utf8').then((t) => /kiln-build: kiln exited with status (\S+)/.exec(t.split(`Killing canceled task ${taskId}`)[1] ?? '')?.[1]);
    for (let i = 0; i < 40 && !(await ended()); i++) await new Promise((r) => setTimeout(r, 500));
    expect(await ended()).toBe('130');
    expect(await readdir(join(runStoreDir(), 'tmp'))).toEqual(leftoversBefore);
    expect(await getBuild(admin, `${NAME}-19-11`)).toBeNull();
  });
});
