import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { pickReporter } from '../../src/reporters/index.js';
import type { KilnEvent } from '../../src/core/events.js';

function capture(isTTY: boolean) {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  out.isTTY = isTTY;
  out.columns = 60;
  let text = '';
  out.on('data', (c) => (text += String(c)));
  return { out, text: () => text };
}

const events: KilnEvent[] = [
  { type: 'phase', phase: 'install', state: 'start' },
  { type: 'installer-line', stream: 'log', line: '10:00:00,000 INFO anaconda: Installing bash' },
  { type: 'message', level: 'warn', text: 'kickstart had reboot: replaced by poweroff' },
  { type: 'message', level: 'debug', text: 'debug detail' },
  { type: 'progress', task: 'upload', done: 50, total: 100, unit: 'blocks' },
  { type: 'phase', phase: 'install', state: 'end', elapsedMs: 61_000 },
];

describe('reporters', () => {
  it('json: one parseable object per line, with a timestamp', () => {
    const c = capture(false);
    const r = pickReporter('json', { out: c.out, verbose: false, now: () => 0 });
    events.forEach((e) => r.event(e));
    r.close();
    const lines = c.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5); // debug dropped without --verbose
    expect(lines[0]).toEqual({ time: '1970-01-01T00:00:00.000Z', type: 'phase', phase: 'install', state: 'start' });
  });

  it('plain: lines, warnings marked, debug hidden, installer log lines shown', () => {
    const c = capture(false);
    const r = pickReporter(undefined, { out: c.out, verbose: false, now: () => 0 });
    events.forEach((e) => r.event(e));
    r.close();
    const text = c.text();
    expect(text).toContain('==> install\n');
    expect(text).toContain('warning: kickstart had reboot: replaced by poweroff\n');
    expect(text).toContain('[log] 10:00:00,000 INFO anaconda: Installing bash');
    expect(text).toContain('==> install: done in 61.0s');
    expect(text).not.toContain('debug detail');
  });

  it('tty: a live status line redrawn in place, cleared on close', () => {
    const c = capture(true);
    let t = 0;
    const r = pickReporter(undefined, { out: c.out, verbose: false, now: () => (t += 1000) });
    events.forEach((e) => r.event(e));
    r.close();
    const text = c.text();
    // Redrawn in place: back to the line's start and erased (\r ESC[J), never a new line per update.
    expect(text.match(/\r\x1b\[J/g)!.length).toBeGreaterThan(3);
    expect(text).toContain('install | 10:00:00,000 INFO anaconda: Installing');
    expect(text).toContain('✓ install in 1m01s');
    expect(text.endsWith('\r\x1b[J')).toBe(true);
  });

  it('tty: a drop shows one live line per image and arch, failures printed above it', () => {
    const c = capture(true);
    c.out.columns = 100;
    let t = 0;
    const r = pickReporter(undefined, { out: c.out, verbose: false, now: () => (t += 1000) });
    r.event({ type: 'step', row: 'Fedora-Cloud-Base x86_64', step: 'install', state: 'running' });
    r.event({ type: 'step', row: 'Fedora-Cloud-Base i386', step: 'install', state: 'running' });
    r.event({ type: 'step', row: 'Fedora-Cloud-Base x86_64', step: 'install', state: 'done' });
    r.event({ type: 'step', row: 'Fedora-Cloud-Base x86_64', step: 'targets', state: 'running' });
    r.event({ type: 'step', row: 'Fedora-Cloud-Base i386', step: 'install', state: 'failed', detail: 'installer error' });
    r.close();
    const text = c.text();
    expect(text).toMatch(/Fedora-Cloud-Base x86_64  install ✓ targets ▶ test · publish · \| targets \d+\.\ds/);
    expect(text).toContain('✗ Fedora-Cloud-Base i386: install: installer error\n');
    // The two-line table is redrawn by moving the cursor up over it.
    expect(text).toContain('\x1b[1A');
  });

  it('plain: events of a drop carry their image and arch', () => {
    const c = capture(false);
    const r = pickReporter(undefined, { out: c.out, verbose: false, now: () => 0 });
    r.event({ type: 'phase', phase: 'prep:cloud', state: 'start', scope: 'Fedora-Cloud-Base i386' });
    r.event({ type: 'step', row: 'Fedora-Cloud-Base i386', step: 'targets', state: 'done' });
    r.close();
    expect(c.text()).toBe('[Fedora-Cloud-Base i386] ==> prep:cloud\nFedora-Cloud-Base i386: targets done\n');
  });
});
