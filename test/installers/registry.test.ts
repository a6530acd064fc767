import { describe, expect, it } from 'vitest';
import { pickInstaller } from '../../src/installers/registry.js';
import type { InstallerDriver } from '../../src/installers/driver.js';

describe('pickInstaller', () => {
  it.each(['fedora', 'rhel', 'centos'] as const)('%s images install with Anaconda', (family) => {
    expect(pickInstaller({ family, name: 'x' }).name).toBe('anaconda');
  });

  it('a family no driver installs is refused before anything starts, naming what kiln can install', () => {
    expect(() => pickInstaller({ family: 'debian', name: 'debian-cloud-12' })).toThrow(
      expect.objectContaining({ code: 'INSTALLER_UNSUPPORTED', fault: 'user', hint: expect.stringContaining('anaconda (fedora, rhel, centos)') }),
    );
  });

  it('picks from the map it is given (drivers are plugins)', () => {
    const other = { name: 'd-i', families: ['debian'] } as unknown as InstallerDriver;
    expect(pickInstaller({ family: 'debian', name: 'x' }, { 'd-i': other })).toBe(other);
  });
});
