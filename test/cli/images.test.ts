/** `kiln images` reports damaged entries; `kiln images rm` and `kiln images prune` remove entries. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../src/core/hash.js';
import { openStore, shortId, type Store } from '../../src/store/store.js';
import type { BuildRecord } from '../../src/store/record.js';
import { runCli } from './helpers.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-images-cli-'));
  store = openStore(dir);
  await store.init();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function entry(id: string, daysOld: number): Promise<string> {
  const disk = join(store.tmpDir, `d-${id.slice(0, 4)}`);
  await writeFile(disk, 'disk');
  const info = await stat(disk);
  const record: BuildRecord = {
    id, name: 'fedora-cloud', version: '19', arch: 'x86_64', createdAt: new Date(Date.now() - daysOld * 86_400_000).toISOString(), kilnVersion: '0.1.0',
    inputs: [], accelerator: 'tcg', timings: [], packages: [], installer: { driver: 'anaconda', tree: '/t' }, logDir: join(dir, 'logs', id.slice(0, 8)),
    disk: { file: 'disk.qcow2', format: 'qcow2', virtualSize: 4, actualSize: 4, bytes: info.size, sha256: sha256('disk'), mtimeMs: info.mtimeMs },
  };
  return (await store.commit({ diskFile: disk, record })).disk;
}

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

describe('kiln images', () => {
  it('lists a damaged entry as DAMAGED, with what to do', async () => {
    await entry(A, 1);
    await rm(await entry(B, 2));
    const r = await runCli(['images', '--store', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${shortId(B)} .*DAMAGED: its disk is missing`));
    expect(r.stdout).toMatch(new RegExp(`${shortId(A)} .* ok$`, 'm'));
    expect(r.stdout).toContain("1 damaged: the same 'kiln build' replaces one; 'kiln images prune' removes them.");
    const json = JSON.parse(r.stdout.length ? (await runCli(['images', '--store', dir, '--json'])).stdout.trim().split('\n').at(-1)! : '{}') as { data: { id: string; damaged?: string }[] };
    expect(json.data.find((i) => i.id === B)!.damaged).toBe('its disk is missing');
  });

  it('rm removes the named entries; an unknown id removes nothing', async () => {
    await entry(A, 1);
    await entry(B, 2);
    expect((await runCli(['images', 'rm', 'aaaa', 'cccc', '--store', dir])).code).toBe(1);
    expect((await store.list()).map((b) => b.id)).toEqual([B, A]);
    const r = await runCli(['images', 'rm', 'aaaa', '--store', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed ${shortId(A)} fedora-cloud-19 x86_64`);
    expect((await store.list()).map((b) => b.id)).toEqual([B]);
  });

  it('prune removes damaged entries, then what --keep and --older-than leave out', async () => {
    await entry(A, 1);
    await entry(B, 40);
    await rm(await entry(C, 3));
    const dry = await runCli(['images', 'prune', '--store', dir, '--dry-run']);
    expect(dry.stdout).toContain(`would remove ${shortId(C)} fedora-cloud-19 x86_64: damaged: its disk is missing`);
    expect((await store.list())).toHaveLength(3);
    expect((await runCli(['images', 'prune', '--store', dir])).code).toBe(0);
    expect((await store.list()).map((b) => b.id)).toEqual([B, A]);
    const r = await runCli(['images', 'prune', '--older-than', '30d', '--store', dir]);
    expect(r.stdout).toContain(`removed ${shortId(B)}`);
    expect((await store.list()).map((b) => b.id)).toEqual([A]);
    expect((await runCli(['images', 'prune', '--keep', 'x', '--store', dir])).code).toBe(2);
  });
});
