/**
 * The Koji flags of `kiln drop` and `kiln koji import` are checked before any work: a drop that
 * would end in an import it cannot make refuses to start, and a compose is never given an NVR.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-koji-flags-'));
  await mkdir(join(dir, 'compose/compose/metadata'), { recursive: true });
  await writeFile(join(dir, 'compose/compose/metadata/kiln.json'), JSON.stringify({ schemaVersion: 1, items: [] }));
  await writeFile(join(dir, 'spec.yaml'), 'release: { name: Fedora, short: Fedora, version: "19" }\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('Koji flags', () => {
  it.each([
    ['Koji flags without --koji-import', ['--hub', 'https://koji.example/kojihub'], /Koji flags without --koji-import/],
    ['--koji-import without credentials', ['--koji-import', '--hub', 'https://koji.example/kojihub'], /no Koji credentials/],
    ['--koji-import without a hub', ['--koji-import', '--cert', 'cg.pem'], /no Koji hub/],
    ['--user without --password-file', ['--koji-import', '--hub', 'https://koji.example/kojihub', '--user', 'kiln'], /--user needs --password-file/],
  ])('kiln drop: %s is a usage error, and nothing is made', async (_name, flags, message) => {
    const out = join(dir, 'out');
    const r = await runCli(['drop', join(dir, 'spec.yaml'), '--label', 'Beta-1.3', '--out', out, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it('kiln koji import of a compose takes no --name, --version or --release', async () => {
    const r = await runCli(['koji', 'import', join(dir, 'compose'), '--hub', 'https://koji.example/kojihub', '--cert', 'cg.pem', '--name', 'x', '--release', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--name, --release: a compose names its builds itself/);
  });
});
