import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTreeInfo } from '../../../src/installers/anaconda/treeinfo.js';
import { isKilnError } from '../../../src/core/errors.js';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/treeinfo', name), 'utf8');

describe('parseTreeInfo', () => {
  it.each([
    ['fedora-19-x86_64.treeinfo', 'x86_64', 'Fedora', '19', 'images/pxeboot/vmlinuz', 'LiveOS/squashfs.img', 'sha256', '3e7c6e0b'],
    ['fedora-19-i386.treeinfo', 'i686', 'Fedora', '19', 'images/pxeboot/vmlinuz', undefined, 'sha256', '11111111'],
    ['productmd-rhel-9.treeinfo', 'x86_64', 'Red Hat Enterprise Linux', '9.2', 'images/pxeboot/vmlinuz', 'images/install.img', 'sha256', 'cccccccc'],
  ] as const)('%s for %s', (file, arch, family, version, kernel, stage2, algo, prefix) => {
    const info = parseTreeInfo(fixture(file), arch);
    expect(info.family).toBe(family);
    expect(info.version).toBe(version);
    expect(info.kernel).toBe(kernel);
    expect(info.initrd).toBe('images/pxeboot/initrd.img');
    expect(info.stage2).toBe(stage2);
    const sum = info.checksums.get(kernel)!;
    expect(sum.algorithm).toBe(algo);
    expect(sum.hex.startsWith(prefix)).toBe(true);
  });

  it('names the arches a tree has when the wanted one is missing', () => {
    try {
      parseTreeInfo(fixture('fedora-19-x86_64.treeinfo'), 'i686', 'tree/.treeinfo');
      expect.unreachable();
    } catch (error) {
      expect(isKilnError(error) && error.code).toBe('TREE_ARCH_MISSING');
      expect((error as Error).message).toContain('x86_64, xen');
    }
  });

  it('reports the line of a malformed entry', () => {
    try {
      parseTreeInfo('[general]\nfamily = Fedora\nthis line is broken\n', 'x86_64', 'bad.treeinfo');
      expect.unreachable();
    } catch (error) {
      expect(isKilnError(error) && error.source).toEqual({ file: 'bad.treeinfo', line: 3 });
    }
  });
});
