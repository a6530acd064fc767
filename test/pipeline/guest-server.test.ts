import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGuestServer, type GuestServer } from '../../src/pipeline/guest-server.js';
import { silent } from '../../src/core/events.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tree() {
  // The tree inside a directory of its own, beside a file it must never serve.
  const outer = await mkdtemp(join(tmpdir(), 'kiln-tree-'));
  cleanups.push(() => rm(outer, { recursive: true, force: true }));
  const dir = join(outer, 'tree');
  await mkdir(join(dir, 'images/pxeboot'), { recursive: true });
  await writeFile(join(dir, 'images/pxeboot/vmlinuz'), 'KERNEL-BYTES');
  await writeFile(join(dir, '.treeinfo'), '[general]\n');
  await writeFile(join(outer, `secret-${process.pid}`), 'do not serve');
  return dir;
}

async function serve(server: GuestServer) {
  cleanups.push(() => server.close());
  const local = `http://127.0.0.1:${server.port}`;
  return local;
}

describe('startGuestServer', () => {
  it('serves the tree on loopback with ranges, counts bytes, and tells the guest address', async () => {
    const dir = await tree();
    const server = await startGuestServer([{ prefix: '/tree/', dir }], silent);
    const base = await serve(server);
    expect(server.guestBase).toBe(`http://10.0.2.2:${server.port}`);
    const full = await fetch(`${base}/tree/images/pxeboot/vmlinuz`);
    expect(await full.text()).toBe('KERNEL-BYTES');
    const part = await fetch(`${base}/tree/images/pxeboot/vmlinuz`, { headers: { range: 'bytes=7-' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('BYTES');
    expect(server.bytesSent()).toBe(17);
  });

  it.each([
    ['/tree/../secret', [403, 404]],
    ['/tree/%2e%2e/secret-x', [403, 404]],
    ['/elsewhere/x', [404]],
    ['/tree/images', [404]],
  ])('refuses %s', async (path, statuses) => {
    const server = await startGuestServer([{ prefix: '/tree/', dir: await tree() }], silent);
    const res = await fetch(`${await serve(server)}${path}`);
    expect(statuses).toContain(res.status);
  });

  it('relays a registered loopback upstream and counts what it relays', async () => {
    const upstream = createServer((req, res) => {
      res.writeHead(req.url === '/payload/rootfs.tar' ? 200 : 404, { 'content-length': '7' });
      res.end('PAYLOAD');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => upstream.close(r)));
    const port = (upstream.address() as AddressInfo).port;
    const server = await startGuestServer([{ prefix: '/relay/0/', upstream: `http://127.0.0.1:${port}/payload/` }], silent);
    const base = await serve(server);
    const res = await fetch(`${base}/relay/0/rootfs.tar`);
    expect(await res.text()).toBe('PAYLOAD');
    expect(server.bytesSent()).toBe(7);
    expect((await fetch(`${base}/relay/1/rootfs.tar`)).status).toBe(404);
  });

  it('binds to loopback only', async () => {
    const server = await startGuestServer([], silent);
    await serve(server);
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // no external address on this machine: nothing to check against
    await expect(fetch(`http://${external.address}:${server.port}/`)).rejects.toThrow();
  });
});
