import { describe, expect, it } from 'vitest';
import { firstVersion, parseOsRelease } from '../../src/pipeline/koji/host-facts.js';
import { checkNvr } from '../../src/pipeline/koji/koji-import.js';

describe('host facts for a Koji buildroot', () => {
  it.each([
    ['ID=debian\nVERSION_ID="12"\n', 'debian-12'],
    ['NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n', 'fedora-40'],
    ['ID=arch\n', 'arch'],
    ['', 'linux'],
  ])('os-release %j is %s', (text, os) => expect(parseOsRelease(text)).toBe(os));

  it.each([
    ['QEMU emulator version 7.2.15 (Debian 1:7.2+dfsg-7+deb12u13)', '7.2.15'],
    ['9.0.0\n', '9.0.0'],
    ['guestfish 1.48.6', '1.48.6'],
    ['xz (XZ Utils) 5.4.1\nliblzma 5.4.1', '5.4.1'],
    ['no version here', undefined],
  ])('the version in %j is %s', (text, version) => expect(firstVersion(text)).toBe(version));
});

describe('checkNvr', () => {
  it.each([
    [{ name: 'Fedora-Cloud-Base', version: '19', release: '1.3' }, undefined],
    [{ name: 'a', version: '19', release: '1-3' }, "--release '1-3' contains '-'"],
    [{ name: 'a', version: '1-9', release: '1' }, "--version '1-9' contains '-'"],
    [{ name: 'a b', version: '19', release: '1' }, "--name 'a b': give a value without spaces or slashes"],
    [{ name: 'a', version: '', release: '1' }, "--version '': give a value without spaces or slashes"],
  ])('%j', (nvr, message) => {
    if (!message) expect(() => checkNvr(nvr)).not.toThrow();
    else expect(() => checkNvr(nvr)).toThrow(expect.objectContaining({ code: 'USAGE', message }));
  });
});
