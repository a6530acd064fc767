import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256File } from '../../src/core/hash.js';
import { runUnchecked } from '../../src/core/run.js';
import { outputStem, sha256Line } from '../../src/targets/naming.js';

describe('outputStem', () => {
  it.each([
    ['Fedora-Cloud-Base', '19', 'x86_64', 'Fedora-Cloud-Base-19.x86_64'],
    ['Fedora-Cloud-Base', '19_Beta.1', 'i686', 'Fedora-Cloud-Base-19_Beta.1.i686'],
    ['debian', undefined, 'x86_64', 'debian.x86_64'],
    ['debian', '', 'i686', 'debian.i686'],
  ] as const)('%s %s %s', (name, version, arch, stem) => {
    expect(outputStem(name, version, arch)).toBe(stem);
  });

  it.each([
    ['../etc', '1'],
    ['my image', '1'],
    ['ok', 'a/b'],
    ['-flag', '1'],
  ])('refuses %j %j', (name, version) => {
    expect(() => outputStem(name, version, 'x86_64')).toThrow(/invalid (output name|version)/);
  });
});

describe('sha256Line', () => {
  it('is what sha256sum -c reads, and it catches a changed file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-sha256-line-'));
    try {
      const file = 'Fedora-Cloud-Base-19.x86_64.qcow2';
      await writeFile(join(dir, file), 'qcow2 bytes');
      await writeFile(join(dir, `${file}.sha256`), sha256Line(await sha256File(join(dir, file)), file));
      expect((await runUnchecked('sha256sum', ['--strict', '-c', `${file}.sha256`], { cwd: dir, timeoutMs: 10_000 })).stdout).toBe(`${file}: OK\n`);
      await writeFile(join(dir, file), 'other bytes');
      expect((await runUnchecked('sha256sum', ['--strict', '-c', `${file}.sha256`], { cwd: dir, timeoutMs: 10_000 })).exitCode).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
