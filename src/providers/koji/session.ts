/**
 * A Koji session: login (client certificate through /ssllogin, or user and password where the hub
 * allows it), then calls signed the way `koji` signs them — session id, session key and a call
 * number that grows by one per request. The hub refuses a call number lower than the last one it
 * saw, so the calls of one session are sent one at a time, in order. Every call has a deadline
 * and an AbortSignal; calls that may safely be sent twice are retried on a dropped connection.
 * The session key never appears in an error or an event.
 */
import { KilnError, interruptedError } from '../../core/errors.js';
import { isTransient, Transport, type TransportOptions } from './transport.js';
import { decodeResponse, encodeCall, type KojiValue } from './xmlrpc.js';

export interface SessionOptions extends TransportOptions {
  /** Deadline of one call (default 5 minutes: CGImport checksums every file on the hub). */
  timeoutMs?: number;
  /** Attempts for a call marked idempotent (default 4). */
  attempts?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The call may be sent again after a dropped connection (reads, uploadFile at an offset). */
  idempotent?: boolean;
}

interface SessionInfo {
  id: string;
  key: string;
  headerAuth: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(interruptedError(signal.reason))), { once: true });
  });

export class KojiSession {
  private info?: SessionInfo;
  private callnum = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly transport: Transport,
    private readonly o: SessionOptions,
  ) {}

  static async open(o: SessionOptions): Promise<KojiSession> {
    return new KojiSession(await Transport.open(o), o);
  }

  get hub(): string {
    return this.transport.hub.href;
  }

  get loggedIn(): boolean {
    return this.info !== undefined;
  }

  /** Client-certificate login (the hub maps the certificate's subject to a user). */
  async sslLogin(signal?: AbortSignal): Promise<void> {
    if (!this.o.cert) throw new KilnError('USAGE', 'ssl login needs a client certificate', { usage: true, fault: 'user', hint: 'Give --cert PEM.' });
    this.setInfo(await this.call('sslLogin', [], undefined, { signal, suffix: '/ssllogin', anonymous: true }), 'sslLogin');
  }

  /** User and password login; hubs that only take certificates or Kerberos refuse it. */
  async passwordLogin(user: string, password: string, signal?: AbortSignal): Promise<void> {
    this.setInfo(await this.call('login', [user, password], undefined, { signal, anonymous: true }), 'login');
  }

  private setInfo(value: KojiValue, method: string): void {
    const v = value as Record<string, unknown> | null;
    if (!v || v['session-id'] === undefined || typeof v['session-key'] !== 'string') {
      throw new KilnError('KOJI_AUTH_ERROR', `Koji ${method} returned no session`, { fault: 'external', hint: 'The hub did not accept the credentials.' });
    }
    this.info = { id: String(v['session-id']), key: v['session-key'], headerAuth: Boolean(v['header-auth']) };
    this.callnum = 0;
  }

  /** Calls a hub method; positional args, then Koji keyword arguments. Faults throw KilnErrors. */
  call<T = KojiValue>(method: string, args: readonly unknown[] = [], kwargs?: Record<string, unknown>, o: CallOptions & { suffix?: string; anonymous?: boolean } = {}): Promise<T> {
    const run = this.queue.then(() => this.send<T>(method, args, kwargs, o));
    this.queue = run.catch(() => {});
    return run;
  }

  private async send<T>(method: string, args: readonly unknown[], kwargs: Record<string, unknown> | undefined, o: CallOptions & { suffix?: string; anonymous?: boolean }): Promise<T> {
    const body = encodeCall(method, args, kwargs);
    const attempts = o.idempotent ? (this.o.attempts ?? 4) : 1;
    for (let attempt = 1; ; attempt++) {
      if (o.signal?.aborted) throw interruptedError(o.signal.reason);
      const { headers, suffix } = this.sign(o);
      try {
        const text = await this.transport.post(body, { headers, timeoutMs: o.timeoutMs ?? this.o.timeoutMs ?? 300_000, signal: o.signal }, suffix);
        return (await decodeResponse(method, text)) as T;
      } catch (error) {
        if (attempt >= attempts || !isTransient(error)) throw error;
        await sleep(500 * 2 ** (attempt - 1), o.signal);
      }
    }
  }

  /** Headers (or, for hubs older than header auth, query parameters) carrying the session. */
  private sign(o: { suffix?: string; anonymous?: boolean }): { headers: Record<string, string>; suffix: string } {
    const suffix = o.suffix ?? '';
    if (!this.info || o.anonymous) return { headers: {}, suffix };
    const callnum = String(this.callnum++);
    if (this.info.headerAuth) {
      return { headers: { 'Koji-Session-Id': this.info.id, 'Koji-Session-Key': this.info.key, 'Koji-Session-Callnum': callnum }, suffix };
    }
    const query = new URLSearchParams({ 'session-id': this.info.id, 'session-key': this.info.key, callnum });
    return { headers: {}, suffix: `${suffix}?${query.toString()}` };
  }

  /** Ends the login session (best effort) and closes the connections. */
  async close(): Promise<void> {
    if (this.info) {
      await this.call('logout', [], undefined, { timeoutMs: 10_000 }).catch(() => {});
      this.info = undefined;
    }
    this.transport.close();
  }
}
