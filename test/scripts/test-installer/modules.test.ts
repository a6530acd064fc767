import { describe, expect, it } from 'vitest';
import { moduleLoadOrder, moduleName } from '../../../scripts/test-installer/modules.js';
import { isKilnError } from '../../../src/core/errors.js';

// An excerpt of a Debian 6.1 modules.dep (every module lists all its dependencies).
const DEP = [
  'kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko',
  'kernel/fs/jbd2/jbd2.ko:',
  'kernel/fs/mbcache.ko:',
  'kernel/lib/crc16.ko:',
  'kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko',
  'kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko',
  'kernel/net/core/failover.ko:',
  'kernel/crypto/crc32c_generic.ko:',
  'kernel/drivers/block/xen-blkfront.ko:',
].join('\n');

describe('moduleName', () => {
  it.each([
    ['kernel/fs/ext4/ext4.ko', 'ext4'],
    ['kernel/drivers/block/xen-blkfront.ko', 'xen_blkfront'],
    ['kernel/crypto/crc32c_generic.ko.xz', 'crc32c_generic'],
    ['virtio-blk', 'virtio_blk'],
  ])('%s → %s', (path, name) => {
    expect(moduleName(path)).toBe(name);
  });
});

describe('moduleLoadOrder', () => {
  it.each<[string, string[], string[]]>([
    ['dependencies first', ['ext4'], ['kernel/lib/crc16.ko', 'kernel/fs/mbcache.ko', 'kernel/fs/jbd2/jbd2.ko', 'kernel/fs/ext4/ext4.ko']],
    [
      'a shared dependency once',
      ['net_failover', 'virtio_net'],
      ['kernel/net/core/failover.ko', 'kernel/drivers/net/net_failover.ko', 'kernel/drivers/net/virtio_net.ko'],
    ],
    ['"-" and "_" alike', ['xen_blkfront'], ['kernel/drivers/block/xen-blkfront.ko']],
    ['built-in modules skipped', ['virtio_pci', 'crc32c_generic'], ['kernel/crypto/crc32c_generic.ko']],
  ])('%s', (_name, wanted, order) => {
    expect(moduleLoadOrder(wanted, DEP, 'kernel/drivers/virtio/virtio_pci.ko\n')).toEqual(order);
  });

  it('rejects a module the kernel does not have', () => {
    let error: unknown;
    try {
      moduleLoadOrder(['virtio_gpu'], DEP, '');
    } catch (e) {
      error = e;
    }
    expect(isKilnError(error) && error.code).toBe('TEST_INSTALLER_MODULE');
  });
});
