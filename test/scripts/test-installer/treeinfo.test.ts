/**
 * The test double's .treeinfo: a golden file (regenerate with UPDATE_GOLDEN=1 and review the
 * diff), and read back by kiln's own Anaconda driver as it reads a Fedora tree's.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../../scripts/test-installer/arch.js';
import { renderTreeinfo, type TreeinfoInput } from '../../../scripts/test-installer/treeinfo.js';
import { parseTreeInfo } from '../../../src/installers/anaconda/treeinfo.js';

const input = (treeArch: string): TreeinfoInput => ({
  arch: treeArch,
  timestamp: 1_700_000_000,
  kernel: 'images/pxeboot/vmlinuz',
  initrd: 'images/pxeboot/initrd.img',
  payload: 'payload/rootfs.tar.zst',
  debianRelease: 'bookworm',
  checksums: {
    'images/pxeboot/vmlinuz': 'a'.repeat(64),
    'images/pxeboot/initrd.img': 'b'.repeat(64),
    'payload/rootfs.tar.zst': 'c'.repeat(64),
  },
});

describe('renderTreeinfo', () => {
  it('matches the golden file', async () => {
    const file = fileURLToPath(new URL('golden/treeinfo-i386.ini', import.meta.url));
    const text = renderTreeinfo(input('i386'));
    if (process.env.UPDATE_GOLDEN) await writeFile(file, text);
    expect(text).toBe(await readFile(file, 'utf8'));
  });

  it.each(Object.values(ARCHES))('is read by the Anaconda driver for $arch', (a) => {
    const info = parseTreeInfo(renderTreeinfo(input(a.treeArch)), a.arch);
    expect(info.kernel).toBe('images/pxeboot/vmlinuz');
    expect(info.initrd).toBe('images/pxeboot/initrd.img');
    expect(info.checksums.get('images/pxeboot/initrd.img')).toEqual({ algorithm: 'sha256', hex: 'b'.repeat(64) });
    expect(info.checksums.get('payload/rootfs.tar.zst')).toEqual({ algorithm: 'sha256', hex: 'c'.repeat(64) });
    expect(info.stage2).toBe('images/pxeboot/initrd.img');
  });
});
