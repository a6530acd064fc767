/**
 * HTTP/1.1 requests read from one long-lived byte stream, answered in order, the stream never
 * closed by this side. QEMU's user-mode network forwards every guest connection to the metadata
 * address into ONE TCP stream to the host (a guestfwd chardev), one guest connection after
 * another; Node's http server would close that stream after a request saying `Connection: close`
 * (busybox wget, curl and urllib3 may) and cut off every later guest connection. So the few
 * lines of request framing this needs are written here: a request line, headers up to the blank
 * line, and a body of Content-Length bytes (the token PUT has none; chunked bodies are refused).
 */
import type { Socket } from 'node:net';
import type { ImdsRequest, ImdsResponse } from './imds.js';

const MAX_HEAD = 16 * 1024;
const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

export type Handler = (req: ImdsRequest) => ImdsResponse;

export function serializeResponse(res: ImdsResponse, method: string): Buffer {
  const body = Buffer.from(res.body);
  const head = [
    `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? 'Status'}`,
    `Content-Type: ${res.contentType ?? 'text/plain'}`,
    `Content-Length: ${body.length}`,
    'Server: kiln-imds',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), method === 'HEAD' ? Buffer.alloc(0) : body]);
}

/** Incremental parser: feed bytes, get back the complete requests (with their bodies skipped). */
export class RequestReader {
  private buffered = Buffer.alloc(0);
  private pendingBody = 0;

  /** Throws on a malformed or oversized request head. */
  push(chunk: Buffer): ImdsRequest[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const out: ImdsRequest[] = [];
    for (;;) {
      if (this.pendingBody > 0) {
        const skip = Math.min(this.pendingBody, this.buffered.length);
        this.buffered = this.buffered.subarray(skip);
        this.pendingBody -= skip;
        if (this.pendingBody > 0) return out;
      }
      // Stray CRLFs between requests are allowed (RFC 9112 §2.2).
      while (this.buffered.length >= 2 && this.buffered[0] === 13 && this.buffered[1] === 10) this.buffered = this.buffered.subarray(2);
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buffered.length > MAX_HEAD) throw new Error('request head too large');
        return out;
      }
      const lines = this.buffered.subarray(0, end).toString('latin1').split('\r\n');
      this.buffered = this.buffered.subarray(end + 4);
      const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
      if (!m) throw new Error(`malformed request line: ${JSON.stringify(lines[0])}`);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (headers['transfer-encoding']) throw new Error('chunked request bodies are not supported');
      this.pendingBody = Number(headers['content-length'] ?? 0) || 0;
      out.push({ method: m[1]!, path: m[2]!, headers });
    }
  }
}

/** Serves `handler` on a socket until the peer goes away. */
export function serveStream(socket: Socket, handler: Handler, onError: (error: Error) => void): void {
  const reader = new RequestReader();
  socket.on('data', (chunk: Buffer) => {
    let requests: ImdsRequest[];
    try {
      requests = reader.push(chunk);
    } catch (error) {
      onError(error as Error);
      socket.destroy();
      return;
    }
    for (const req of requests) socket.write(serializeResponse(handler(req), req.method));
  });
  socket.on('error', () => socket.destroy());
}
