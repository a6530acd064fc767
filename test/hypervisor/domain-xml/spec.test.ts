import { describe, expect, it } from 'vitest';
import { HypervisorError, validateSpec, type DomainSpec } from '../../../hypervisor/index.js';

const good: DomainSpec = {
  name: 'kiln-spec',
  type: 'qemu',
  arch: 'x86_64',
  memoryMiB: 256,
  vcpus: 1,
  boot: { kernel: '/boot/vmlinuz', initrd: '/boot/initrd.img' },
  disks: [{ path: '/srv/disk.qcow2', format: 'qcow2' }],
  serialLog: '/srv/console.log',
  channels: [{ name: 'org.fedoraproject.anaconda.log.0', path: '/srv/anaconda.log' }],
};

describe('validateSpec', () => {
  it('accepts a good spec', () => {
    expect(() => validateSpec(good)).not.toThrow();
  });

  it.each<[string, Partial<DomainSpec>, string]>([
    ['a name with a space', { name: 'kiln spec' }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['an unknown domain type', { type: 'xen' as never }, 'type must be kvm or qemu'],
    ['an unknown arch', { arch: 'aarch64' as never }, 'arch must be x86_64 or i686'],
    ['fractional memory', { memoryMiB: 255.5 }, 'memoryMiB'],
    ['too little memory', { memoryMiB: 8 }, 'memoryMiB'],
    ['no vCPU', { vcpus: 0 }, 'vcpus'],
    ['a relative kernel', { boot: { kernel: 'vmlinuz' } }, 'boot.kernel must be an absolute path'],
    ['a relative initrd', { boot: { kernel: '/k', initrd: 'initrd.img' } }, 'boot.initrd'],
    ['boot from hd without a disk', { boot: { device: 'hd' }, disks: [] }, 'boot from hd needs a disk'],
    ['a relative disk', { disks: [{ path: 'disk.qcow2', format: 'qcow2' }] }, 'disks[0].path'],
    ['a bad disk format', { disks: [{ path: '/d', format: 'vmdk' as never }] }, 'disks[0].format'],
    ['a bad target', { disks: [{ path: '/d', format: 'raw', target: 'xyz' }] }, 'disks[0].target'],
    ['a target used twice', { disks: [{ path: '/a', format: 'raw' }, { path: '/b', format: 'raw', target: 'vda' }] }, 'used twice'],
    ['a relative serial log', { serialLog: 'console.log' }, 'serialLog'],
    ['a channel name with a slash', { channels: [{ name: 'a/b', path: '/x' }] }, 'channels[0].name'],
    ['a relative channel path', { channels: [{ name: 'a', path: 'x' }] }, 'channels[0].path'],
    ['a relative emulator', { emulator: 'qemu-system-x86_64' }, 'emulator'],
    ['a malformed UUID', { uuid: 'not-a-uuid' }, 'uuid'],
  ])('rejects %s', (_what, change, words) => {
    const error = (() => {
      try {
        validateSpec({ ...good, ...change });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HypervisorError);
    expect(error).toMatchObject({ code: 'INVALID_SPEC' });
    expect((error as Error).message).toContain(words);
  });

  it('lists every problem at once', () => {
    expect(() => validateSpec({ ...good, vcpus: 0, memoryMiB: 0, serialLog: 'x' })).toThrow(/memoryMiB.*vcpus.*serialLog/);
  });
});
