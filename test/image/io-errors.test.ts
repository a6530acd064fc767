import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/core/errors.js';
import { diskFullFrom } from '../../src/image/io-errors.js';

const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe('diskFullFrom', () => {
  it.each([
    ['a Node ENOSPC', enospc, true],
    ['a quota error code', Object.assign(new Error('quota'), { code: 'EDQUOT' }), true],
    ['a tool whose stderr says so', new KilnError('COMMAND_FAILED', 'qemu-img convert: exited with status 1', { details: ['qemu-img: error while writing at byte 0: No space left on device'] }), true],
    ['a nested cause', new KilnError('COMMAND_FAILED', 'tar failed', { cause: new Error('wrapped', { cause: enospc }) }), true],
    ['anything else', new Error('EACCES: permission denied'), false],
    ['nothing', undefined, false],
  ])('%s', (_name, error, full) => {
    const err = diskFullFrom(error, '/out/x.qcow2');
    expect(Boolean(err)).toBe(full);
    if (err) {
      expect(err).toMatchObject({ code: 'DISK_FULL', fault: 'user' });
      expect(err.message).toBe('no space left on the device holding /out while writing /out/x.qcow2');
    }
  });

  it('keeps an existing DISK_FULL as it is', () => {
    const first = diskFullFrom(enospc, '/a/b')!;
    expect(diskFullFrom(first, '/c/d')).toBe(first);
  });
});
