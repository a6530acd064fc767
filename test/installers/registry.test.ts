import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { collect } from '../../src/core/events.js';
import { pickInstaller } from '../../src/installers/registry.js';
import type { InstallerDriver, InstallMedia } from '../../src/installers/driver.js';
import { resolveImageSpec } from '../../src/template/image-spec.js';

describe('pickInstaller', () => {
  it.each([
    ['fedora-cloud', '19'],
    ['rhel-cloud', '7'],
    ['centos-cloud', '7'],
  ])('a %s %s spec gets a driver that boots its kickstart from the initrd', async (template, release) => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-installer-'));
    try {
      const spec = await resolveImageSpec({ template, release, tree: '/srv/tree', cwd: dir, emit: collect().emit });
      const driver = pickInstaller(spec);
      const answer = driver.answerFile(spec);
      const initrd = join(dir, 'initrd.img');
      await writeFile(initrd, 'INITRD');
      const image = { path: initrd, sha256: '0'.repeat(64), verified: false };
      const media: InstallMedia = { tree: { kind: 'dir', location: '/srv/tree/' }, kernel: image, initrd: image, identity: [] };
      const booted = Buffer.from(await driver.initrd(media, answer.keyText));
      // The installer's own initrd first, then (4-byte aligned) a gzipped cpio holding the kickstart
      // at the path the kernel command line names.
      expect(booted.subarray(0, 6).toString()).toBe('INITRD');
      const appended = gunzipSync(booted.subarray(8)).toString('latin1');
      const cmdline = driver.plan(media, answer).cmdline({ repoUrl: 'http://10.0.2.2:8000/tree/', extra: [] });
      const ksPath = /(?:^|\s)(?:inst\.)?ks=file:\/(\S+)/.exec(cmdline)?.[1];
      expect(ksPath).toBeDefined();
      expect(appended).toContain(ksPath);
      expect(appended).toContain(answer.keyText);
      expect(answer.keyText).toMatch(/^poweroff$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
