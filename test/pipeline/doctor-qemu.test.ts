/** The groups QEMU runs with, as kiln doctor reads them to say whether it can open /dev/kvm. */
import { describe, expect, it } from 'vitest';
import { groupsOf } from '../../src/pipeline/doctor-qemu.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nlibvirt-qemu:x:64055:107:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nkvm:x:107:\nlibvirt-qemu:x:64055:libvirt-qemu\ndisk:x:6:libvirt-qemu,backup\n';

describe('groupsOf', () => {
  it.each([
    ['the primary group of /etc/passwd (kvm) and the groups listing the account', 64055, 64055, [64055, 107, 6]],
    ['only the given group for a uid without an account', 4242, 4242, [4242]],
    ['root in its own group', 0, 0, [0]],
  ])('%s', (_, uid, gid, expected) => {
    expect([...groupsOf(uid, gid, PASSWD, GROUP)].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
  });
});
