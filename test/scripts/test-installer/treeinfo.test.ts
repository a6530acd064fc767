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
import { anacondaPlan, watching } from '../../installers/anaconda/plan.js';

const input = (treeArch: string): TreeinfoInput => ({
  arch: treeArch,
  timestamp: 1_700_000_000,
  kernel: 'images/pxeboot/vmlinuz',
  initrd: 'images/pxeboot/initrd.img',
  stage2: 'images/install.img',
  checksums: {
    'images/pxeboot/vmlinuz': 'a'.repeat(64),
    'images/pxeboot/initrd.img': 'b'.repeat(64),
    'images/install.img': 'd'.repeat(64),
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
    expect(info.stage2).toBe('images/install.img');
    expect(info.checksums.get('images/install.img')).toEqual({ algorithm: 'sha256', hex: 'd'.repeat(64) });
    // The release names the test double; [kiln] names the Anaconda it behaves like.
    expect(info.family).toBe('kiln Anaconda test double');
    expect(info.anaconda).toEqual({ family: 'Fedora', version: '19' });
  });

  it('makes the Anaconda driver boot it as the Fedora 18+ Anaconda it behaves like (inst. options, watched on the log port), without a warning', () => {
    const plan = anacondaPlan(parseTreeInfo(renderTreeinfo(input('x86_64')), 'x86_64'));
    expect(plan.warning).toBeUndefined();
    expect(plan.cmdline({ repoUrl: 'http://10.0.2.2:8000/tree/', extra: [] })).toMatch(/^inst\.ks=file:\/ks\.cfg inst\.repo=http:\/\/10\.0\.2\.2:8000\/tree\/ inst\.text /);
    // Console text alone does not start the install: the test double, like Anaconda 18+, speaks on the log port.
    const m = watching(plan);
    m.feed({ kind: 'line', at: 1, stream: 'console', line: 'Starting installer (anaconda), one moment...' });
    expect(m.state).toBe('booting');
  });

  it("starts with a section and has no comment lines but productmd's two WARNING keys of [general] (libosinfo reads it as a GLib key file)", () => {
    const text = renderTreeinfo(input('x86_64'));
    expect(text.startsWith('[checksums]\n')).toBe(true);
    const comments = text.split('\n').filter((l) => /^[;#]/.test(l));
    expect(comments).toEqual([
      '; WARNING.0 = This section provides compatibility with pre-productmd treeinfos.',
      '; WARNING.1 = Read productmd documentation for details about new format.',
    ]);
  });
});
