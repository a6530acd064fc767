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
/** Runs during each probe, before it answers (what the console says meanwhile). */
let duringProbe: () => void = () => {};
/** How long a probe takes (fake time). */
let probeMs = 0;
vi.mock('../../src/testing/ssh.js', () => ({
  probe: async () => {
    const now = answer;
    duringProbe();
    if (probeMs > 0) await new Promise((r) => setTimeout(r, probeMs));
    return now;
  },
}));

const target = { port: 2222, user: 'fedora', privateKey: '/nonexistent', knownHosts: '/nonexistent' };

function fakeRun(): Pick<GuestRun, 'machine' | 'recentConsole' | 'consoleLines' | 'startedAt' | 'feed' | 'until'> {
  const machine = new GuestMachine(bootMonitor({ timeoutS: 900, kernelDeadlineS: 180 }));
  machine.boot(Date.now());
  const run = {
    machine,
    recentConsole: [] as string[],
    consoleLines: 0,
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
  run.consoleLines++;
  run.feed({ kind: 'line', at: Date.now(), stream: 'console', line });
}

async function outcome(run: ReturnType<typeof fakeRun>, afterRunningS: number): Promise<{ error?: Error; seconds: number; attemptMs?: number }> {
  const start = Date.now();
  const wait = waitForLogin(run as GuestRun, target, { deadlineMs: start + 900_000, afterRunningS, signal: new AbortController().signal }).then(
    (times) => ({ seconds: (Date.now() - start) / 1000, attemptMs: times.attemptMs }),
    (error: Error) => ({ error, seconds: (Date.now() - start) / 1000 }),
  );
  for (let i = 0; i < 1000 && run.machine.state !== 'failed' && run.machine.state !== 'ready'; i++) await vi.advanceTimersByTimeAsync(1_000);
  await vi.advanceTimersByTimeAsync(1_000);
  return wait;
}

beforeEach(() => {
  vi.useFakeTimers();
  answer = { ok: false, why: 'closed', message: 'Connection refused' };
  duringProbe = () => {};
  probeMs = 0;
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

  it('logs in as soon as the key is accepted, and says how long that login took', async () => {
    const run = fakeRun();
    say(run, '[    0.000000] Linux version 6.1.0-27-amd64');
    answer = { ok: true };
    probeMs = 1_300;
    const r = await outcome(run, 300);
    expect(r.error).toBeUndefined();
    expect(run.machine.state).toBe('ready');
    expect(r.seconds).toBeLessThan(5);
    expect(r.attemptMs).toBe(1_300);
  });

  it('tries again at once when sshd starts while an attempt is failing, not a whole retry interval later', async () => {
    const run = fakeRun();
    say(run, '[    0.000000] Linux version 6.1.0-27-amd64');
    // Many lines after it, so the line is no longer the newest when the next attempt is chosen.
    duringProbe = () => {
      duringProbe = () => {};
      say(run, '[  OK  ] Started ssh.service - OpenBSD Secure Shell server.');
      for (let i = 0; i < 250; i++) say(run, `[   70.${i}] cloud-init[363]: line ${i}`);
      answer = { ok: true };
    };
    answer = { ok: false, why: 'closed', message: 'Connection reset by peer' };
    const r = await outcome(run, 300);
    expect(run.machine.state).toBe('ready');
    expect(r.seconds).toBeLessThan(0.5);
  });
});
