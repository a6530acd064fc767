import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadKickstartFile, loadKickstartText } from '../../../src/template/kickstart/include.js';
import { renderKickstart } from '../../../src/template/kickstart/document.js';
import { formatDiagnostic } from '../../../src/template/kickstart/diagnostics.js';

let dir: string;
let server: Server;
let base: string;
const served: Record<string, string> = {
  '/ks/net.ks': 'lang en_US.UTF-8\n%include sub/part.ks\n',
  '/ks/sub/part.ks': 'part / --size=1024\n',
  '/ks/pkgs.txt': 'vim-minimal\ntmux\n',
  '/ks/self.ks': '%include self.ks\n',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-include-'));
  await mkdir(join(dir, 'parts'));
  await writeFile(join(dir, 'top.ks'), 'text\n%include parts/disk.ks\nrootpw --lock\n');
  await writeFile(join(dir, 'parts', 'disk.ks'), '# disk layout\nzerombr\n%include more.ks\n');
  await writeFile(join(dir, 'parts', 'more.ks'), 'clearpart --all\n');
  await writeFile(join(dir, 'pkgs.ks'), '%packages\n@core\n%include parts/list.txt\n%end\n');
  await writeFile(join(dir, 'parts', 'list.txt'), 'kernel\n-plymouth\n');
  await writeFile(join(dir, 'pre.ks'), '%pre\necho part / --size=1 > /tmp/part-include\n%end\n%include /tmp/part-include\n');
  server = createServer((req, res) => {
    const body = served[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  await rm(dir, { recursive: true, force: true });
});

describe('%include', () => {
  it('resolves relative paths against the including file, at any depth, keeping lines per file', async () => {
    const loaded = await loadKickstartFile('top.ks', { cwd: dir });
    expect(loaded.diagnostics).toEqual([]);
    expect(renderKickstart(loaded.flat)).toBe('text\n# disk layout\nzerombr\nclearpart --all\nrootpw --lock\n');
    expect(renderKickstart(loaded.doc)).toBe('text\n%include parts/disk.ks\nrootpw --lock\n');
    expect(loaded.flat.nodes.map((n) => `${n.loc.file}:${n.loc.line}`)).toEqual(['top.ks:1', 'parts/disk.ks:1', 'parts/disk.ks:2', 'parts/more.ks:1', 'top.ks:3']);
  });

  it('splices an include inside %packages into the section body', async () => {
    const loaded = await loadKickstartFile('pkgs.ks', { cwd: dir });
    expect(renderKickstart(loaded.flat)).toBe('%packages\n@core\nkernel\n-plymouth\n%end\n');
  });

  it('fetches http includes with fetch, resolving relative ones against the URL', async () => {
    const loaded = await loadKickstartText(`text\n%include ${base}/ks/net.ks\n`, join(dir, 'inline.ks'), { cwd: dir });
    expect(loaded.diagnostics).toEqual([]);
    expect(renderKickstart(loaded.flat)).toBe('text\nlang en_US.UTF-8\npart / --size=1024\n');
    expect(loaded.flat.nodes[2]!.loc).toEqual({ file: `${base}/ks/sub/part.ks`, line: 1 });
  });

  it('reports HTTP failures and loops through URLs at the %include line', async () => {
    const missing = await loadKickstartText(`%include ${base}/ks/nope.ks\n`, join(dir, 'a.ks'), { cwd: dir });
    expect(missing.diagnostics.map(formatDiagnostic)).toEqual([`a.ks:1: %include ${base}/ks/nope.ks: cannot read ${base}/ks/nope.ks: HTTP 404 Not Found`]);
    const loop = await loadKickstartText(`%include ${base}/ks/self.ks\n`, join(dir, 'b.ks'), { cwd: dir });
    expect(loop.diagnostics.map(formatDiagnostic)).toEqual([`${base}/ks/self.ks:1: %include: include loop ${base}/ks/self.ks → ${base}/ks/self.ks`]);
  });

  it('leaves a file a %pre script writes unresolved, with a warning', async () => {
    const loaded = await loadKickstartFile('pre.ks', { cwd: dir });
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual(['pre.ks:4: warning: %include /tmp/part-include: read by the installer at install time (written by %pre?); left unresolved, its commands are not checked']);
    expect(renderKickstart(loaded.flat)).toContain('%include /tmp/part-include');
  });

  it.each([
    ['/usr/share/anaconda/interactive-defaults.ks', 'a file of the installer itself'],
    ['/run/install/repo/ks-extra.ks', 'on the install medium'],
    ['/mnt/install/source/extra.ks', 'on the install medium'],
    ['/run/part-include', 'written by %pre?'],
  ])('an include of %s, which exists only inside the installer, is a warning even without a pre script', async (target, why) => {
    const loaded = await loadKickstartText(`text\n%include ${target}\n`, join(dir, 'x.ks'), { cwd: dir });
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([`x.ks:2: warning: %include ${target}: read by the installer at install time (${why}); left unresolved, its commands are not checked`]);
  });

  it("never reads the host's own file at an installer path (the installer's /tmp is not this host's)", async () => {
    const hostTmp = await mkdtemp('/tmp/kiln-installer-path-');
    try {
      await writeFile(join(hostTmp, 'part-include'), 'part / --size=1 # the host, not the installer\n');
      const target = join(hostTmp, 'part-include');
      const loaded = await loadKickstartText(`%pre\n%end\n%include ${target}\n`, join(dir, 'x.ks'), { cwd: dir });
      expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([`x.ks:3: warning: %include ${target}: read by the installer at install time (written by %pre?); left unresolved, its commands are not checked`]);
      expect(renderKickstart(loaded.flat)).not.toContain('the host');
    } finally {
      await rm(hostTmp, { recursive: true, force: true });
    }
  });

  it('an absolute path on this host that does not exist, without %pre, stays an error', async () => {
    const loaded = await loadKickstartText('text\n%include /home/nobody/part.ks\n', join(dir, 'x.ks'), { cwd: dir });
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual(['x.ks:2: %include /home/nobody/part.ks: cannot read /home/nobody/part.ks: no such file']);
  });

  it('a missing top file is a KS_READ error', async () => {
    await expect(loadKickstartFile('absent.ks', { cwd: dir })).rejects.toMatchObject({ code: 'KS_READ', message: 'cannot read kickstart absent.ks: no such file' });
  });
});
