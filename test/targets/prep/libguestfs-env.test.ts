import { describe, expect, it } from 'vitest';
import { libguestfsCacheDir, libguestfsEnv } from '../../../src/targets/prep/libguestfs-env.js';

describe('libguestfsEnv', () => {
  it('keeps temporary files in the work directory and the appliance cache apart, under kiln\'s cache directory', () => {
    const env = libguestfsEnv('tcg', { tmpDir: '/work/prep/guestfs-tmp' });
    expect(env).toMatchObject({ LIBGUESTFS_BACKEND: 'direct', LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg', LIBGUESTFS_TMPDIR: '/work/prep/guestfs-tmp', TMPDIR: '/work/prep/guestfs-tmp' });
    // Not TMPDIR: libguestfs would build its appliance again in every prep's work directory.
    expect(env.LIBGUESTFS_CACHEDIR).toBe(libguestfsCacheDir());
    expect(env.LIBGUESTFS_CACHEDIR).not.toBe(env.TMPDIR);
  });

  it('follows KILN_CACHE_DIR, and KVM needs no backend setting', () => {
    expect(libguestfsCacheDir({ KILN_CACHE_DIR: '/srv/kiln-cache' })).toBe('/srv/kiln-cache/libguestfs');
    const env = libguestfsEnv('kvm', { cacheDir: '/srv/kiln-cache/libguestfs' });
    expect(env.LIBGUESTFS_BACKEND_SETTINGS).toBeUndefined();
    expect(env.LIBGUESTFS_CACHEDIR).toBe('/srv/kiln-cache/libguestfs');
    expect(env.TMPDIR).toBeUndefined();
  });
});
