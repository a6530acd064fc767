/**
 * The HTTP server a build runs on host loopback for its guest: it serves a local install tree and
 * relays the loopback URLs the kickstart names (a guest on user-mode networking reaches host
 * loopback as 10.0.2.2). It serves only what the build needs — the tree directory and the exact
 * URL prefixes registered — binds to 127.0.0.1 only, and counts the bytes it sends so the stall
 * watchdog sees the guest's downloads. node:http is enough; no framework is needed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { KilnError } from '../core/errors.js';
import type { Emit } from '../core/events.js';
import { httpRequest } from '../core/http.js';

/** The address of host loopback as seen from a guest on QEMU user-mode networking. */
export const GUEST_HOST_ADDRESS = '10.0.2.2';

export type Route = { prefix: string; dir: string } | { prefix: string; upstream: string };

export interface GuestServer {
  port: number;
  /** Base URL for the guest, e.g. http://10.0.2.2:PORT */
  guestBase: string;
  bytesSent(): number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function serveFile(req: IncomingMessage, res: ServerResponse, root: string, rel: string, count: (n: number) => void): Promise<void> {
  const path = normalize(join(root, decodeURIComponent(rel)));
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return send(res, 403, 'forbidden\n');
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return send(res, 404, 'not found\n');
  let start = 0;
  let end = info.size - 1;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && (range[1] || range[2])) {
    start = range[1] ? Number(range[1]) : Math.max(0, info.size - Number(range[2]));
    end = range[1] && range[2] ? Math.min(Number(range[2]), end) : end;
    if (start > end) {
      res.writeHead(416, { 'content-range': `bytes */${info.size}` });
      return void res.end();
    }
  }
  const headers = {
    'content-length': String(end - start + 1),
    'accept-ranges': 'bytes',
    'last-modified': info.mtime.toUTCString(),
    'content-type': 'application/octet-stream',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${info.size}` } : {}),
  };
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || info.size === 0) return void res.end();
  const stream = createReadStream(path, { start, end });
  stream.on('data', (chunk) => count(chunk.length));
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

async function relay(req: IncomingMessage, res: ServerResponse, upstream: string, rel: string, count: (n: number) => void, emit: Emit): Promise<void> {
  const headers: Record<string, string> = {};
  for (const h of ['range', 'if-none-match', 'if-modified-since']) if (req.headers[h]) headers[h] = String(req.headers[h]);
  // The guest hung up: stop fetching for it.
  const gone = new AbortController();
  res.on('close', () => gone.abort(new Error('the guest closed the connection')));
  let response;
  try {
    response = await httpRequest(upstream + rel, { method: req.method === 'HEAD' ? 'HEAD' : 'GET', headers, signal: gone.signal });
  } catch (error) {
    if (gone.signal.aborted) return;
    // The guest's installer sees 502; kiln's log says why (refused, timeout, …).
    emit({ type: 'message', level: 'warn', code: 'GUEST_RELAY_FAILED', text: `guest http: relaying ${req.url ?? ''} failed: ${(error as Error).message}` });
    return send(res, 502, `upstream failed: ${(error as Error).message}\n`);
  }
  const out: Record<string, string> = {};
  for (const h of ['content-length', 'content-type', 'content-range', 'accept-ranges', 'etag', 'last-modified']) {
    const v = response.header(h);
    if (v) out[h] = v;
  }
  res.writeHead(response.status, out);
  if (req.method === 'HEAD') {
    response.discard();
    return void res.end();
  }
  const body = response.body;
  body.on('data', (chunk: Buffer) => count(chunk.length));
  body.on('error', (error) => {
    emit({ type: 'message', level: 'warn', code: 'GUEST_RELAY_FAILED', text: `guest http: relaying ${req.url ?? ''} broke off: ${error.message}` });
    res.destroy();
  });
  body.pipe(res);
}

/** Starts the server on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startGuestServer(routes: Route[], emit: Emit, port = 0): Promise<GuestServer> {
  let sent = 0;
  const count = (n: number) => {
    sent += n;
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    const route = routes.find((r) => url.pathname.startsWith(r.prefix));
    emit({ type: 'message', level: 'debug', text: `guest http: ${req.method} ${url.pathname}${route ? '' : ' (not served)'}` });
    if (!route) return send(res, 404, 'not found\n');
    const rel = url.pathname.slice(route.prefix.length);
    const work = 'dir' in route ? serveFile(req, res, route.dir, rel, count) : relay(req, res, route.upstream, rel + url.search, count, emit);
    work.catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new KilnError('GUEST_SERVER_FAILED', `cannot start the HTTP server for the guest on 127.0.0.1${port ? `:${port}` : ''}`, { cause: error })),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    guestBase: `http://${GUEST_HOST_ADDRESS}:${bound}`,
    bytesSent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
