import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile, chmod, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/core/run.js';
import { manifestPostScript, parseManifest, nevra, MANIFEST_BEGIN, MANIFEST_END } from '../../../src/installers/anaconda/manifest.js';
import { icicleXml } from '../../../src/installers/anaconda/icicle.js';
import { installKickstart } from '../../../src/installers/anaconda/kickstart.js';
import { collect } from '../../../src/core/events.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { resolveImageSpec } from '../../../src/template/image-spec.js';

describe('parseManifest', () => {
  it('reads rpm and dpkg lines, splitting Debian versions', () => {
    const pkgs = parseManifest([
      'noise',
      MANIFEST_BEGIN,
      'KILN-RPM bash|(none)|4.2.45|1.fc19|x86_64',
      'KILN-RPM kernel|0|3.9.5|301.fc19|x86_64|0123456789abcdef0123456789abcdef',
      'KILN-DEB install ok installed|openssh-server|1:9.2p1-2+deb12u3|amd64',
      'KILN-DEB install ok installed|zlib1g|1:1.2.13.dfsg-1|amd64',
      'KILN-DEB install ok installed|base-files|12.4+deb12u6|amd64',
      'KILN-DEB deinstall ok config-files|oldpkg|1.0-1|amd64',
      'KILN-RPM gpg-pubkey|(none)|de7f38bd|5b7bfa8e|(none)',
      MANIFEST_END,
    ])!;
    expect(pkgs.map(nevra)).toEqual([
      'base-files-12.4+deb12u6.amd64',
      'bash-4.2.45-1.fc19.x86_64',
      'kernel-3.9.5-301.fc19.x86_64',
      'openssh-server-1:9.2p1-2+deb12u3.amd64',
      'zlib1g-1:1.2.13.dfsg-1.amd64',
    ]);
    expect(pkgs.find((p) => p.name === 'openssh-server')).toEqual({ name: 'openssh-server', epoch: '1', version: '9.2p1', release: '2+deb12u3', arch: 'amd64', format: 'deb' });
    expect(pkgs.find((p) => p.name === 'kernel')).toEqual({ name: 'kernel', epoch: '0', version: '3.9.5', release: '301.fc19', arch: 'x86_64', format: 'rpm', sigmd5: '0123456789abcdef0123456789abcdef' });
  });

  it('is undefined when the manifest did not finish', () => {
    expect(parseManifest([MANIFEST_BEGIN, 'KILN-RPM a|0|1|1|x'])).toBeUndefined();
    expect(parseManifest([])).toBeUndefined();
  });
});

describe('manifestPostScript', () => {
  it.each([
    ['no package manager', [], []],
    ['a Debian-family system', ['dpkg-query'], ['bash-5.2.15-2+b2.amd64']],
    ['an rpm system', ['rpm', 'dpkg-query'], ['bash-4.2.45-1.fc19.x86_64']],
  ])('is a runnable sh script that reports %s', async (_name, tools, expected) => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-manifest-'));
    try {
      // chroot is replaced by a wrapper that runs the command in place, and the package tools by
      // fakes, so the script's own logic (detection order, markers, output port) is what is tested.
      const bin = join(dir, 'bin');
      await mkdir(bin);
      const fakes: Record<string, string> = {
        chroot: 'shift; exec "$@"',
        rpm: '[ "$1" = --version ] && exit 0; echo "KILN-RPM bash|(none)|4.2.45|1.fc19|x86_64"',
        'dpkg-query': '[ "$1" = --version ] && exit 0; echo "KILN-DEB install ok installed|bash|5.2.15-2+b2|amd64"',
      };
      for (const tool of ['chroot', ...tools]) {
        await writeFile(join(bin, tool), `#!/bin/sh\n${fakes[tool]}\n`);
        await chmod(join(bin, tool), 0o755);
      }
      // The report port is a character device only a guest has: here it is missing, so the script
      // takes its fallback, the console, which the test points at a file.
      const out = join(dir, 'out');
      const script = manifestPostScript().body.replace(/\/dev\/virtio-ports\/[\w.]+/, join(dir, 'no-port')).replace('/dev/ttyS0', out);
      await writeFile(join(dir, 'post.sh'), script);
      await run('/bin/sh', [join(dir, 'post.sh')], { timeoutMs: 10_000, env: { ANA_INSTALL_PATH: dir, PATH: bin } });
      const text = await readFile(out, 'utf8');
      expect(parseManifest(text.split('\n'))!.map(nevra)).toEqual(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is in the kickstart the driver boots, as a %post Anaconda runs outside the installed system (the script chroots itself)', async () => {
    const spec = await resolveImageSpec({ template: 'fedora-cloud', release: '19', tree: '/srv/tree', cwd: tmpdir(), emit: collect().emit });
    const { doc } = parseKickstart(installKickstart(spec).keyText, 'booted.ks');
    const posts = doc.nodes.filter((n) => n.kind === 'section' && n.name === '%post' && n.body.some((b) => b.text.includes(MANIFEST_BEGIN)));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.kind === 'section' && posts[0]!.args).toContain('--nochroot');
  });
});

describe('icicleXml', () => {
  it('lists NEVRAs like Oz', () => {
    const xml = icicleXml([{ name: 'bash', epoch: '0', version: '4.2', release: '1', arch: 'x86_64' }], 'Fedora 19');
    expect(xml).toContain('<description>Fedora 19</description>');
    expect(xml).toContain('<package name="bash-4.2-1.x86_64"');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });
});
