import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, requireTools } from '../../src/core/tools.js';

describe('host tools', () => {
  it('finds an executable on PATH, and not a file that is not executable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-tools-'));
    try {
      await writeFile(join(dir, 'xz'), '#!/bin/sh\n', { mode: 0o755 });
      await writeFile(join(dir, 'tar'), 'not executable', { mode: 0o644 });
      expect(await findOnPath('xz', { PATH: dir })).toBe(join(dir, 'xz'));
      expect(await findOnPath('tar', { PATH: dir })).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing tool fails at once, naming every missing tool and its Debian package', async () => {
    const err = await requireTools(['xz', 'tar', 'xmllint'], 'the raw-xz target', { PATH: '/nonexistent' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'TOOLS_MISSING',
      message: 'the raw-xz target needs xz, tar, xmllint, not found on PATH',
      hint: 'Run scripts/setup.sh, or install: apt-get install xz-utils tar libxml2-utils.',
    });
  });

  it('tools that are there pass', async () => {
    await expect(requireTools(['tar', 'cp'], 'x')).resolves.toBeUndefined();
  });
});
