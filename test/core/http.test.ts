/**
 * kiln's HTTP helper against real local servers: a refused port, one that accepts and never
 * answers, one that stops in the middle of a body, 5xx then 200, and an interrupt.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { httpGetText, httpRequest } from '../../src/core/http.js';
import { KilnError } from '../../src/core/errors.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Accepts connections and never says a word. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  const url = await listen(server);
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return url;
}

async function httpServer(handler: Parameters<typeof createHttpServer>[1]): Promise<string> {
  const server = createHttpServer(handler);
  const url = await listen(server);
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return url;
}

async function refusedUrl(): Promise<string> {
  const server = createTcpServer();
  const url = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

describe('httpRequest', () => {
  it('a refused connection says ECONNREFUSED, not "fetch failed"', async () => {
    const url = await refusedUrl();
    const error = (await httpRequest(`${url}/x`, { attempts: 1 }).catch((e: unknown) => e)) as KilnError;
    expect(error).toBeInstanceOf(KilnError);
    expect(error.message).toBe(`${url}/x: connection refused (ECONNREFUSED)`);
  });

  it('a server that accepts and never answers fails after the idle timeout, retried, saying so', async () => {
    const url = await silentServer();
    const retries: string[] = [];
    const started = Date.now();
    const error = (await httpRequest(`${url}/tree/.treeinfo`, { idleTimeoutMs: 500, attempts: 2, onRetry: (e) => retries.push(e.message) }).catch((e: unknown) => e)) as KilnError;
    expect(error.message).toBe(`${url}/tree/.treeinfo: no answer within 1 s (timeout)`);
    expect(retries).toEqual([`${url}/tree/.treeinfo: no answer within 1 s (timeout)`]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an interrupt ends a hung request at once', async () => {
    const url = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new KilnError('INTERRUPTED', 'interrupted: received SIGINT', { exitCode: 130 })), 200);
    const started = Date.now();
    const error = (await httpRequest(url, { signal: controller.signal }).catch((e: unknown) => e)) as KilnError;
    expect(error.code).toBe('INTERRUPTED');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a body that stops flowing fails with the body timeout', async () => {
    const url = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('x'.repeat(10));
    });
    const res = await httpRequest(url, { idleTimeoutMs: 400 });
    await expect(res.text()).rejects.toThrow(`${url}: no data for 0 s while reading the body (timeout)`);
  });

  it('retries a 503 and returns the 200 that follows; a 404 is returned as it is', async () => {
    let calls = 0;
    const url = await httpServer((req, res) => {
      calls++;
      if (req.url === '/missing') return void res.writeHead(404).end();
      if (calls === 1) return void res.writeHead(503).end('busy');
      res.writeHead(200).end('hello');
    });
    expect(await httpGetText(`${url}/file`)).toBe('hello');
    expect(calls).toBe(2);
    await expect(httpGetText(`${url}/missing`)).rejects.toThrow(`${url}/missing: HTTP 404 Not Found`);
  });

  it('never shows the credentials of a URL', async () => {
    const url = await refusedUrl();
    const error = (await httpRequest(url.replace('http://', 'http://admin:s3cret@'), { attempts: 1 }).catch((e: unknown) => e)) as KilnError;
    expect(error.message).not.toContain('s3cret');
  });
});
