import { describe, expect, it } from 'vitest';
import { parseLoaderList } from '../../../scripts/test-installer/initrd.js';
import { isKilnError } from '../../../src/core/errors.js';

describe('parseLoaderList', () => {
  it('lists the libraries and the loader, not the vDSO', () => {
    const out = [
      '\tlinux-gate.so.1 (0xf7f47000)',
      '\tlibext2fs.so.2 => /lib/i386-linux-gnu/libext2fs.so.2 (0xf7e9d000)',
      '\tlibblkid.so.1 => /usr/lib/i386-linux-gnu/libblkid.so.1 (0xf7e36000)',
      '\t/lib/ld-linux.so.2 (0xf7f49000)',
    ].join('\n');
    expect(parseLoaderList(out, '/sbin/mke2fs')).toEqual(['/lib/i386-linux-gnu/libext2fs.so.2', '/usr/lib/i386-linux-gnu/libblkid.so.1', '/lib/ld-linux.so.2']);
  });

  it('fails on a missing library', () => {
    let error: unknown;
    try {
      parseLoaderList('\tlibz.so.1 => not found\n', '/usr/bin/zstd');
    } catch (e) {
      error = e;
    }
    expect(isKilnError(error) && error.message).toBe('/usr/bin/zstd: libz.so.1 => not found');
  });
});
