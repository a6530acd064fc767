/**
 * The Anaconda test double's trees are shaped like real ones: virt-install (whose tree detection
 * reads .treeinfo with libosinfo, the strictest reader of these files at hand) accepts each with
 * --location, from the directory and over HTTP, and finds its kernel and initrd; and the
 * [checksums] of .treeinfo are those of the files it names.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runUnchecked } from '../../src/core/run.js';
import { sha256File } from '../../src/core/hash.js';
import { parseTreeInfo } from '../../src/installers/anaconda/treeinfo.js';
import { PAYLOAD_PORT } from '../../scripts/test-installer/serve.js';
import type { TreeArch } from '../../scripts/test-installer/arch.js';

const ARCHES: TreeArch[] = ['x86_64', 'i686'];

async function virtInstall(arch: TreeArch, location: string): Promise<{ exitCode: number; output: string }> {
  // The system daemon the other integration tests use (libvirt's test driver has no x86_64
  // guests); --print-xml defines nothing: it stops after the tree was read and the kernel and
  // initrd fetched.
  const args = ['--connect', 'qemu:///system', '--virt-type', 'qemu', '--name', `kiln-tree-check-${arch}`, '--arch', arch, '--memory', '512', '--disk', 'none'];
  const r = await runUnchecked('virt-install', [...args, '--location', location, '--osinfo', 'fedora19', '--print-xml', '--debug'], { timeoutMs: 120_000 });
  return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}` };
}

describe.each(ARCHES)('the %s test double tree', (arch) => {
  const tree = () => inject('kilnTrees')[arch];

  it.each([
    ['its directory', () => tree().dir],
    ['http', () => `http://127.0.0.1:${PAYLOAD_PORT}/${arch}/`],
  ])('virt-install accepts it with --location (%s) and --osinfo', async (_how, location) => {
    const { exitCode, output } = await virtInstall(arch, location());
    expect(exitCode, output.slice(-3000)).toBe(0);
    expect(output).toContain('treeinfo family=kiln Anaconda test double');
    // libosinfo parsed the file (its key-file reader rejected the old ';' comment lines).
    expect(output).not.toContain('Error creating libosinfo tree object');
    expect(output).toMatch(/<kernel>[^<]+vmlinuz<\/kernel>/);
    expect(output).toMatch(/<initrd>[^<]+initrd\.img<\/initrd>/);
  });

  it('has the checksums its .treeinfo gives for every image it names', async () => {
    const info = parseTreeInfo(await readFile(join(tree().dir, '.treeinfo'), 'utf8'), arch);
    const named = [info.kernel, info.initrd, info.stage2!];
    expect(named).toEqual(['images/pxeboot/vmlinuz', 'images/pxeboot/initrd.img', 'images/install.img']);
    for (const path of [...info.checksums.keys()]) {
      expect(await sha256File(join(tree().dir, path)), path).toBe(info.checksums.get(path)!.hex);
    }
    expect(named.every((p) => info.checksums.has(p))).toBe(true);
  });
});
