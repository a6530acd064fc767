/**
 * waitForLogin against a real GuestMachine in boot mode, with SSH probes answered by the test:
 * how long it keeps trying, and the reason it gives when the key never logs in.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GuestState } from '../../src/core/events.js';
import { GuestMachine } from '../../src/pipeline/guest-machine.js';
import type { GuestRun } from '../../src/pipeline/guest-run.js';
import { bootMonitor } from '../../src/testing/boot-watch.js';
import { NO_CLOUD_INIT_S, waitForLogin } from '../../src/testing/login.js';
import type { ProbeResult } from '../../src/testing/ssh.js';

let answer: ProbeResult = { ok: false, why: 'closed', message: 'Connection refused' };
vi.mock('../../src/testing/ssh.js', () => ({ probe: async () => answer }));

const target = { port: 2222, user: 'fedora', privateKey: '/nonexistent', knownHosts: '/nonexistent' };

function fakeRun(): Pick<GuestRun, 'machine' | 'recentConsole' | 'startedAt' | 'feed' | 'until'> {
  const machine = new GuestMachine(bootMonitor({ timeoutS: 900, kernelDeadlineS: 180 }));
  machine.boot(Date.now());
  const run = {
    machine,
    recentConsole: [] as string[],
    startedAt: Date.now(),
    feed: (e: Parameters<GuestMachine['feed']>[0]) => void machine.feed(e),
    until: (states: GuestState[]) =>
      new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (states.includes(machine.state)) resolve();
          else if (machine.failure) reject(new Error(machine.failure.message));
          else return;
          clearInterval(t);
        }, 100);
      }),
  };
  return run;
}

function say(run: ReturnType<typeof fakeRun>, line: string): void {
  run.recentConsole.push(line);
  run.feed({ kind: 'line', at: Date.now(), stream: 'console', line });
}

async function outcome(run: ReturnType<typeof fakeRun>, afterRunningS: number): Promise<{ error?: Error; seconds: number }> {
  const start = Date.now();
  const wait = waitForLogin(run as GuestRun, target, { deadlineMs: start + 900_000, afterRunningS, signal: new AbortController().signal }).then(
    () => ({ seconds: (Date.now() - start) / 1000 }),
    (error: Error) => ({ error, seconds: (Date.now() - start) / 1000 }),
  );
  for (let i = 0; i < 1000 && run.machine.state !== 'failed' && run.machine.state !== 'ready'; i++) await vi.advanceTimersByTimeAsync(1_000);
  await vi.advanceTimersByTimeAsync(1_000);
  return wait;
}

beforeEach(() => {
  vi.useFakeTimers();
  answer = { ok: false, why: 'closed', message: 'Connection refused' };
});
afterEach(() => vi.useRealTimers());

describe('waitForLogin', () => {
  it('gives up soon after userspace is up when cloud-init never spoke: it is disabled or absent', async () => {
    const run = fakeRun();
    say(run, '[    0.000000] Linux version 6.1.0-27-amd64');
    say(run, 'Debian GNU/Linux 12 kiln ttyS0');
    say(run, 'kiln login: ');
    const r = await outcome(run, 300);
    expect(run.machine.failure).toMatchObject({ reason: 'cloud-init', message: expect.stringContaining('cloud-init never ran') });
    expect(r.seconds).toBeGreaterThanOrEqual(NO_CLOUD_INIT_S);
    expect(r.seconds).toBeLessThan(300);
  });

  it('keeps trying for the whole wait while cloud-init is at work, and says nothing answered SSH', async () => {
    const run = fakeRun();
    say(run, '[    0.000000] Linux version 6.1.0-27-amd64');
    say(run, "[    9.100000] cloud-init[301]: Cloud-init v. 22.4.2 running 'init-local'");
    say(run, 'kiln login: ');
    const r = await outcome(run, 300);
    expect(run.machine.failure).toMatchObject({ reason: 'ssh-refused', message: expect.stringContaining("nothing answered SSH on the guest's port 22 (Connection refused)") });
    expect(r.seconds).toBeGreaterThanOrEqual(300);
  });

  it('logs in as soon as the key is accepted', async () => {
    const run = fakeRun();
    say(run, '[    0.000000] Linux version 6.1.0-27-amd64');
    answer = { ok: true };
    const r = await outcome(run, 300);
    expect(r.error).toBeUndefined();
    expect(run.machine.state).toBe('ready');
    expect(r.seconds).toBeLessThan(5);
  });
});
