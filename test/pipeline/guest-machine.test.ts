import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuestMachine, type MonitorOptions } from '../../src/pipeline/guest-machine.js';
import { ANACONDA_FAILURE_PATTERNS } from '../../src/installers/anaconda/log-patterns.js';
import { MANIFEST_END } from '../../src/installers/anaconda/manifest.js';
import { bootMonitor } from '../../src/testing/boot-watch.js';

const options: MonitorOptions = {
  stallTimeoutS: 20,
  timeoutS: 3600,
  patterns: ANACONDA_FAILURE_PATTERNS,
  completionLine: MANIFEST_END,
};
const recorded = (name: string) => readFileSync(join(__dirname, '../fixtures/install-logs', name), 'utf8').split('\n').filter(Boolean);

function replay(machine: GuestMachine, lines: string[], start = 1000) {
  const states: string[] = [];
  machine.boot(start);
  states.push(machine.state);
  lines.forEach((line, i) => {
    for (const t of machine.feed({ kind: 'line', at: start + i, stream: 'log', line })) states.push(t.to);
  });
  return states;
}

describe('GuestMachine', () => {
  it('goes booting → installing → powered-off → captured on a good install', () => {
    const m = new GuestMachine(options);
    const states = replay(m, recorded('anaconda-ok.log'));
    m.feed({ kind: 'line', at: 2000, stream: 'report', line: MANIFEST_END });
    states.push(...m.feed({ kind: 'domain-stopped', at: 2001, detail: 'shutdown' }).map((t) => t.to));
    states.push(...m.feed({ kind: 'captured', at: 2002 }).map((t) => t.to));
    expect(states).toEqual(['booting', 'installing', 'powered-off', 'captured']);
    expect(m.lastMessage).toContain('Thread Done');
  });

  it.each([
    ['anaconda-traceback.log', 'Traceback (most recent call last):', 'crashed'],
    ['anaconda-ks-error.log', 'The following problem occurred on line 7 of the kickstart file:', 'rejected the kickstart'],
  ])('fails on the first error line of %s with the log tail', (file, line, summary) => {
    const m = new GuestMachine(options);
    const states = replay(m, recorded(file));
    expect(states).toEqual(['booting', 'installing', 'failed']);
    expect(m.failure!.reason).toBe('installer-error');
    expect(m.failure!.line).toContain(line);
    expect(m.failure!.message).toContain(summary);
    expect(m.failure!.tail.at(-1)).toContain(line);
  });

  it('fails on a kernel panic on the console while booting', () => {
    const m = new GuestMachine(options);
    m.boot(0);
    m.feed({ kind: 'line', at: 1, stream: 'console', line: '[    2.1] Kernel panic - not syncing: VFS: Unable to mount root fs' });
    expect(m.state).toBe('failed');
  });

  it('keeps only the last 40 lines', () => {
    const m = new GuestMachine(options);
    m.boot(0);
    for (let i = 0; i < 100; i++) m.feed({ kind: 'line', at: i, stream: 'log', line: `line ${i}` });
    m.feed({ kind: 'line', at: 101, stream: 'log', line: 'Out of memory: Killed process 1' });
    expect(m.failure!.tail).toHaveLength(40);
    expect(m.failure!.tail[0]).toBe('[log] line 61');
  });

  it('fails when the guest powers off before kiln\'s %post reported', () => {
    const m = new GuestMachine(options);
    replay(m, recorded('anaconda-ok.log'));
    m.feed({ kind: 'domain-stopped', at: 5000, detail: 'shutdown' });
    expect(m.state).toBe('failed');
    expect(m.failure!.reason).toBe('incomplete');
  });

  it('fails when the guest stops before the installer started', () => {
    const m = new GuestMachine(options);
    m.boot(0);
    m.feed({ kind: 'domain-stopped', at: 10, detail: 'crashed' });
    expect(m.failure!.reason).toBe('no-poweroff');
  });

  describe('stall watchdog (real time, not loop counts)', () => {
    it('fires after stallTimeoutS with no disk writes and little network', () => {
      const m = new GuestMachine(options);
      m.boot(0);
      m.feed({ kind: 'line', at: 1, stream: 'log', line: 'started' });
      m.feed({ kind: 'activity', at: 5_000, diskWriteBytes: 1000, networkBytes: 0 });
      m.feed({ kind: 'activity', at: 24_000, diskWriteBytes: 1000, networkBytes: 4095 });
      expect(m.state).toBe('installing');
      m.feed({ kind: 'activity', at: 25_000, diskWriteBytes: 1000, networkBytes: 4095 });
      expect(m.state).toBe('failed');
      expect(m.failure!.reason).toBe('stalled');
      expect(m.failure!.message).toContain('20 s');
    });

    it('is reset by disk writes and by 4 KiB of network', () => {
      const m = new GuestMachine(options);
      m.boot(0);
      m.feed({ kind: 'activity', at: 15_000, diskWriteBytes: 1, networkBytes: 0 });
      m.feed({ kind: 'activity', at: 30_000, diskWriteBytes: 1, networkBytes: 4096 });
      m.feed({ kind: 'activity', at: 49_000, diskWriteBytes: 1, networkBytes: 4096 });
      expect(m.state).toBe('booting');
      m.feed({ kind: 'tick', at: 50_000 });
      expect(m.failure!.reason).toBe('stalled');
    });
  });

  it('fails on the overall timeout', () => {
    const m = new GuestMachine({ ...options, timeoutS: 60, stallTimeoutS: 1e9 });
    m.boot(0);
    m.feed({ kind: 'tick', at: 59_999 });
    expect(m.state).toBe('booting');
    m.feed({ kind: 'tick', at: 60_000 });
    expect(m.failure!.reason).toBe('timeout');
  });

  it('ignores input once done', () => {
    const m = new GuestMachine(options);
    m.boot(0);
    m.feed({ kind: 'tick', at: 1e9 });
    expect(m.feed({ kind: 'line', at: 1e9, stream: 'log', line: 'x' })).toEqual([]);
  });
});

describe('GuestMachine in boot-test mode', () => {
  const boot = (): GuestMachine => new GuestMachine(bootMonitor({ timeoutS: 600, kernelDeadlineS: 60 }));
  const line = (m: GuestMachine, at: number, text: string) => m.feed({ kind: 'line', at, stream: 'console', line: text });

  it('goes booting → kernel → running → ready → passed, and never back', () => {
    const m = boot();
    const states = [m.boot(0), line(m, 1, '[    0.000000] Linux version 6.1.0-40-amd64'), line(m, 2, 'host login: '), m.feed({ kind: 'ready', at: 3 })].flat().map((t) => t.to);
    expect(states).toEqual(['booting', 'kernel', 'running', 'ready']);
    // A second login prompt after the login must not move the guest back.
    expect(line(m, 4, 'host login: ')).toEqual([]);
    expect(m.feed({ kind: 'passed', at: 5 }).map((t) => t.to)).toEqual(['passed']);
  });

  it('SeaBIOS saying there is nothing to boot fails at once as no-bootloader', () => {
    const m = boot();
    m.boot(0);
    line(m, 1, 'No bootable device.');
    expect(m.failure).toMatchObject({ reason: 'no-bootloader' });
  });

  // Lines as Debian's OVMF writes them on the serial console (libvirt, an empty disk; a refused loader).
  it.each([
    ['BdsDxe: starting Boot0002 "EFI Internal Shell" from Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)/FvFile(7C04A583-9E3E-4F1C-AD65-E05268D0B4D1)', /found no boot loader/],
    ['BdsDxe: No bootable option or device was found.', /found no boot loader/],
    ['BdsDxe: failed to load Boot0001 "UEFI Misc Device" from PciRoot(0x0)/Pci(0x3,0x0): Access Denied', /not signed by a key Secure Boot trusts/],
    ['BdsDxe: failed to start Boot0001 "UEFI Misc Device" from PciRoot(0x0)/Pci(0x1,0x0)/Pci(0x0,0x0): Security Violation', /not signed by a key Secure Boot trusts/],
  ])('OVMF: %s fails at once as no-bootloader', (text, message) => {
    const m = boot();
    m.boot(0);
    line(m, 1, text);
    expect(m.failure).toMatchObject({ reason: 'no-bootloader', message: expect.stringMatching(message) });
  });

  it.each([
    'BdsDxe: failed to load Boot0002 "UEFI PXEv4 (MAC:525400123456)" from PciRoot(0x0)/Pci(0x1E,0x0): Not Found',
    // Secure Boot refusing OVMF's own shell is not the image's doing (what follows decides).
    'BdsDxe: failed to start Boot0002 "EFI Internal Shell" from Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)/FvFile(7C04A583-9E3E-4F1C-AD65-E05268D0B4D1): Security Violation',
  ])("OVMF's failure to start one boot option (it tries the next) is not a failure: %s", (text) => {
    const m = boot();
    m.boot(0);
    line(m, 1, text);
    expect(m.failure).toBeUndefined();
  });

  it('no kernel within the deadline is no-bootloader too', () => {
    const m = boot();
    m.boot(0);
    m.feed({ kind: 'tick', at: 59_000 });
    expect(m.state).toBe('booting');
    m.feed({ kind: 'tick', at: 60_000 });
    expect(m.failure).toMatchObject({ reason: 'no-bootloader', message: expect.stringContaining('no kernel started within 60 s') });
  });

  it('a guest that stops during the test has failed', () => {
    const m = boot();
    m.boot(0);
    line(m, 1, '[    0.1] Linux version 6.1');
    m.feed({ kind: 'domain-stopped', at: 2, detail: 'crashed' });
    expect(m.failure).toMatchObject({ reason: 'stopped', message: expect.stringContaining('crashed') });
  });
});
