import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/core/run.js';
import { sha256File, sha256FromSidecar } from '../../src/core/hash.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-hash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sha256FromSidecar', () => {
  it("reads the checksum sha256sum wrote beside the file (text or binary mode)", async () => {
    const file = join(dir, 'disk.raw');
    await writeFile(file, 'kiln');
    for (const mode of ['', '-b']) {
      const out = await run('sha256sum', [...(mode ? [mode] : []), 'disk.raw'], { timeoutMs: 10_000, cwd: dir });
      await writeFile(`${file}.sha256`, out.stdout);
      expect(await sha256FromSidecar(file)).toBe(await sha256File(file));
    }
  });

  it('ignores a checksum file older than the file, naming another file, or missing', async () => {
    const file = join(dir, 'old.raw');
    await writeFile(file, 'new content');
    await writeFile(`${file}.sha256`, `${'a'.repeat(64)}  old.raw\n`);
    const past = new Date(Date.now() - 60_000);
    await utimes(`${file}.sha256`, past, past);
    expect(await sha256FromSidecar(file)).toBeUndefined();
    await writeFile(`${file}.sha256`, `${'a'.repeat(64)}  other.raw\n`);
    expect(await sha256FromSidecar(file)).toBeUndefined();
    expect(await sha256FromSidecar(join(dir, 'none.raw'))).toBeUndefined();
  });
});
