/**
 * The environment libguestfs tools run with. The direct backend starts QEMU itself (no libvirt
 * round trip); without working KVM it must be told to use TCG, or it aborts ("failed to set MSR").
 */
export type Accel = 'kvm' | 'tcg';

export function libguestfsEnv(accel: Accel): Record<string, string | undefined> {
  return {
    LIBGUESTFS_BACKEND: 'direct',
    LIBGUESTFS_BACKEND_SETTINGS: accel === 'tcg' ? 'force_tcg' : undefined,
  };
}
