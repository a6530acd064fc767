/**
 * HTTPS POST to a Koji hub: client certificate (one PEM holding certificate and key, as `koji`
 * takes it), the hub's CA, a deadline per request and an AbortSignal. Keeps connections alive
 * (an upload is hundreds of calls). Network and TLS failures become KilnErrors here; what the hub
 * answers is the caller's (an XML-RPC document, or a fault inside one).
 */
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { KilnError, interruptedError } from '../../core/errors.js';

export interface TransportOptions {
  /** Hub URL, e.g. https://koji.example/kojihub. */
  hub: string;
  /** PEM file with the client certificate and its key (ssl login). */
  cert?: string;
  /** PEM file with the CA that signed the hub's certificate (default: the system's CAs). */
  serverca?: string;
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|SSL|ALTNAME/;
const NET_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'KOJI_TIMEOUT', 'HTTP_502', 'HTTP_503', 'HTTP_504']);

/** A failure worth retrying for a call that may safely be sent twice (dropped connection, timeout, busy proxy). */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof KilnError)) return false;
  const cause = (error.cause as { code?: string } | undefined)?.code;
  return TRANSIENT.has(error.code) || (cause !== undefined && TRANSIENT.has(cause));
}

export class Transport {
  private constructor(
    readonly hub: URL,
    private readonly agent: Agent,
  ) {}

  static async open(o: TransportOptions): Promise<Transport> {
    let hub: URL;
    try {
      hub = new URL(o.hub);
    } catch {
      throw new KilnError('USAGE', `--hub ${o.hub} is not a URL`, { usage: true, fault: 'user', hint: 'Give the hub URL, e.g. https://koji.example/kojihub.' });
    }
    if (hub.protocol !== 'https:') {
      throw new KilnError('USAGE', `--hub ${o.hub}: kiln talks to Koji over HTTPS only`, { usage: true, fault: 'user', hint: 'Use the https:// URL of the hub.' });
    }
    const read = async (path: string | undefined, what: string) => {
      if (!path) return undefined;
      try {
        return await readFile(path);
      } catch (error) {
        throw new KilnError('KOJI_CREDENTIALS_UNREADABLE', `cannot read the ${what} ${path}`, { cause: error, fault: 'user', hint: 'Give a readable PEM file.' });
      }
    };
    const [pem, ca] = await Promise.all([read(o.cert, 'client certificate'), read(o.serverca, 'server CA')]);
    // One PEM holds both: OpenSSL takes the certificate blocks for `cert` and the key block for `key`.
    const agent = new Agent({ keepAlive: true, maxSockets: 4, cert: pem, key: pem, ca });
    return new Transport(hub, agent);
  }

  /** POSTs `body` to the hub (or hub + `suffix`, e.g. /ssllogin) and returns the response text. */
  post(body: string, o: PostOptions, suffix = ''): Promise<string> {
    const url = new URL(this.hub.href.replace(/\/$/, '') + suffix);
    if (o.signal?.aborted) return Promise.reject(interruptedError(o.signal.reason));
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (error: KilnError | undefined, text?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(text!);
      };
      const req = request(url, {
        method: 'POST',
        agent: this.agent,
        headers: { 'Content-Type': 'text/xml', 'User-Agent': 'kiln', 'Content-Length': Buffer.byteLength(body), ...o.headers },
      });
      const onAbort = () => {
        finish(interruptedError(o.signal?.reason));
        req.destroy();
      };
      const timer = setTimeout(() => {
        finish(new KilnError('KOJI_TIMEOUT', `no answer from the hub ${this.hub.host} within ${o.timeoutMs / 1000} s`, { fault: 'external', hint: 'The hub or the network is slow or down; try again.' }));
        req.destroy();
      }, o.timeoutMs);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => finish(this.networkError(error)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (error) => finish(this.networkError(error)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            finish(
              new KilnError('KOJI_HTTP', `the hub ${this.hub.host} answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim(), {
                // The status as the cause's code, for isTransient (502, 503 and 504 are worth a retry).
                cause: Object.assign(new Error(`HTTP ${res.statusCode}`), { code: `HTTP_${res.statusCode}` }),
                hint: res.statusCode === 404 ? 'Check --hub: it is the hub URL (…/kojihub).' : 'See the hub\'s web server log.',
              }),
            );
          } else finish(undefined, text);
        });
      });
      req.end(body);
    });
  }

  private networkError(error: Error & { code?: string }): KilnError {
    const code = error.code ?? '';
    if (TLS_CODES.test(code)) {
      return new KilnError('KOJI_TLS', `TLS with the hub ${this.hub.host} failed: ${error.message}`, {
        cause: error,
        fault: 'user',
        hint: "Give the CA that signed the hub's certificate with --serverca, and a client certificate the hub accepts with --cert.",
      });
    }
    if (NET_CODES.has(code)) {
      return new KilnError('KOJI_UNREACHABLE', `cannot reach the hub ${this.hub.host}: ${error.message}`, { cause: error, fault: 'external', hint: 'Check --hub and the network.' });
    }
    return new KilnError('KOJI_NETWORK', `talking to the hub ${this.hub.host} failed: ${error.message}`, { cause: error, fault: 'external' });
  }

  close(): void {
    this.agent.destroy();
  }
}
