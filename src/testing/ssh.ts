/**
 * SSH into a guest under test through its forwarded port on host loopback, with the test's own
 * key and known-hosts file (the user's ~/.ssh is never read or written: `-F /dev/null`).
 */
import { createServer, type AddressInfo } from 'node:net';
import { runUnchecked, type UncheckedResult } from '../core/run.js';

export interface SshTarget {
  port: number;
  user: string;
  privateKey: string;
  knownHosts: string;
}

export function sshArgs(t: SshTarget, command: string, connectTimeoutS = 10): string[] {
  return [
    '-F', '/dev/null',
    '-i', t.privateKey,
    '-p', String(t.port),
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'IdentityAgent=none',
    '-o', 'PasswordAuthentication=no',
    '-o', 'StrictHostKeyChecking=no',
    '-o', `UserKnownHostsFile=${t.knownHosts}`,
    '-o', `ConnectTimeout=${connectTimeoutS}`,
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=6',
    '-o', 'LogLevel=ERROR',
    `${t.user}@127.0.0.1`,
    command,
  ];
}

/** Runs `command` in the guest; exit 255 is ssh's own failure (see probe()). */
export function sshExec(t: SshTarget, command: string, o: { timeoutMs: number; signal?: AbortSignal; input?: string }): Promise<UncheckedResult> {
  return runUnchecked('ssh', sshArgs(t, command), { timeoutMs: o.timeoutMs, signal: o.signal, input: o.input });
}

export type ProbeResult = { ok: true } | { ok: false; why: 'closed' | 'auth' | 'timeout' | 'other'; message: string };

/** One login attempt: `true` in the guest. */
export async function probe(t: SshTarget, signal?: AbortSignal): Promise<ProbeResult> {
  const r = await runUnchecked('ssh', sshArgs(t, 'true', 8), { timeoutMs: 20_000, signal });
  if (r.exitCode === 0) return { ok: true };
  const message = (r.stderr.trim().split('\n').pop() ?? '').trim() || `ssh exited ${r.exitCode}`;
  if (r.timedOut || /timed out/i.test(message)) return { ok: false, why: 'timeout', message };
  if (/Permission denied/i.test(message)) return { ok: false, why: 'auth', message };
  if (/Connection (reset|closed|refused)|kex_exchange_identification|banner exchange/i.test(message)) return { ok: false, why: 'closed', message };
  return { ok: false, why: 'other', message };
}

/** A TCP port on host loopback nobody listens on right now (for a host forward). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
