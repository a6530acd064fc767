import { describe, expect, it } from 'vitest';
import { debFileName, parseSimulatedInstall } from '../../../scripts/test-installer/debs.js';

describe('parseSimulatedInstall', () => {
  it('reads name, version and architecture from apt-get -s', () => {
    const out = [
      'NOTE: This is only a simulation!',
      'Inst gcc-12-base:i386 (12.2.0-14+deb12u1 Debian:12.15/oldstable [i386])',
      'Inst libc6:i386 (2.36-9+deb12u14 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [i386])',
      'Inst busybox-static (1:1.35.0-4+deb12u1+b1 Debian:12.15/oldstable [amd64])',
      'Inst readline-common (8.2-1.3 Debian:12.15/oldstable [all])',
      'Conf libc6:i386 (2.36-9+deb12u14 Debian:12.15/oldstable [i386])',
    ].join('\n');
    expect(parseSimulatedInstall(out)).toEqual([
      { name: 'gcc-12-base', version: '12.2.0-14+deb12u1', arch: 'i386' },
      { name: 'libc6', version: '2.36-9+deb12u14', arch: 'i386' },
      { name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', arch: 'amd64' },
      { name: 'readline-common', version: '8.2-1.3', arch: 'all' },
    ]);
  });

  it.each([
    [{ name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', arch: 'i386' }, 'busybox-static_1%3a1.35.0-4+deb12u1+b1_i386.deb'],
    [{ name: 'zstd', version: '1.5.4+dfsg2-5', arch: 'amd64' }, 'zstd_1.5.4+dfsg2-5_amd64.deb'],
  ])('names the file apt-get download writes for %o', (deb, file) => {
    expect(debFileName(deb)).toBe(file);
  });
});
