/**
 * The environment libguestfs tools run with. The direct backend starts QEMU itself (no libvirt
 * round trip); without working KVM it must be told to use TCG, or it aborts ("failed to set MSR").
 * Its temporary directory is inside kiln's work directory (`tmpDir`), so an interrupted prep
 * leaves nothing in /tmp that kiln's cleanup, or the next run's reclaim, does not remove. (As
 * root, libguestfs still makes its small socket directory in /tmp: it insists on a path QEMU
 * can reach, and removes it when it exits.)
 */
export type Accel = 'kvm' | 'tcg';

export function libguestfsEnv(accel: Accel, tmpDir?: string): Record<string, string | undefined> {
  return {
    LIBGUESTFS_BACKEND: 'direct',
    LIBGUESTFS_BACKEND_SETTINGS: accel === 'tcg' ? 'force_tcg' : undefined,
    ...(tmpDir ? { LIBGUESTFS_TMPDIR: tmpDir, TMPDIR: tmpDir } : {}),
  };
}
