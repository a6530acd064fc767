/**
 * The install guest as an explicit state machine:
 *
 *   preparing → booting → installing → powered-off → captured
 *        \__________\___________\______________\____→ failed
 *
 * It is pure: the install stage feeds it inputs (domain events, whole log lines, activity
 * counters, clock ticks) and acts on the transitions it returns. Timing is honest: the stall
 * watchdog and the overall timeout compare real timestamps, never loop counts.
 */
import type { GuestState } from '../core/events.js';
import { matchFailure, type FailurePattern } from '../installers/anaconda/log-patterns.js';

export type MonitorInput =
  | { kind: 'domain-started'; at: number }
  | { kind: 'domain-stopped'; at: number; detail: string }
  /** Whole lines: the installer log channel, the serial console, kiln's own report channel. */
  | { kind: 'line'; at: number; stream: 'log' | 'console' | 'report'; line: string }
  /** Cumulative counters since the guest started. */
  | { kind: 'activity'; at: number; diskWriteBytes: number; networkBytes: number }
  | { kind: 'tick'; at: number }
  | { kind: 'captured'; at: number };

export type FailureReason = 'installer-error' | 'stalled' | 'timeout' | 'no-poweroff' | 'incomplete';

export interface Failure {
  reason: FailureReason;
  message: string;
  /** The line that matched, for installer errors. */
  line?: string;
  /** The last lines of the installer log and console, oldest first. */
  tail: string[];
}

export interface Transition {
  from: GuestState;
  to: GuestState;
  detail?: string;
}

export interface MonitorOptions {
  /** Seconds with no disk writes and under `stallNetworkBytes` of network before the build fails. */
  stallTimeoutS: number;
  stallNetworkBytes?: number;
  /** Seconds for the whole install. */
  timeoutS: number;
  patterns: readonly FailurePattern[];
  /** A log-channel line means the installer is running; without a log channel, this console text does. */
  installerStartedOnConsole?: RegExp;
  tailLines?: number;
  /**
   * The report line kiln's own %post writes last. A guest that powers off without it did not
   * finish the install (the installer stopped early), so its disk is not captured.
   */
  completionLine?: string;
}

export class GuestMachine {
  state: GuestState = 'preparing';
  failure?: Failure;
  lastMessage?: string;
  reportComplete = false;
  private readonly tail: string[] = [];
  private startedAt?: number;
  private quietSince?: number;
  private quietDisk = 0;
  private quietNet = 0;
  private readonly stallNet: number;
  private readonly tailSize: number;

  constructor(private readonly options: MonitorOptions) {
    this.stallNet = options.stallNetworkBytes ?? 4096;
    this.tailSize = options.tailLines ?? 40;
  }

  get done(): boolean {
    return this.state === 'captured' || this.state === 'failed';
  }

  /** The guest is about to be created. */
  boot(at: number): Transition[] {
    this.startedAt = at;
    this.quietSince = at;
    return this.go('booting');
  }

  feed(input: MonitorInput): Transition[] {
    if (this.done) return [];
    switch (input.kind) {
      case 'domain-started':
        return [];
      case 'line':
        return this.onLine(input.stream, input.line);
      case 'activity':
        return this.onActivity(input.at, input.diskWriteBytes, input.networkBytes);
      case 'tick':
        return this.onTick(input.at);
      case 'domain-stopped':
        if (this.state === 'installing') {
          if (this.options.completionLine && !this.reportComplete) {
            return this.fail('incomplete', `the guest powered off (${input.detail}) before the install completed: kiln's %post never reported`);
          }
          return this.go('powered-off', input.detail);
        }
        if (this.state === 'booting') {
          return this.fail('no-poweroff', `the guest stopped (${input.detail}) before the installer started`);
        }
        return [];
      case 'captured':
        return this.state === 'powered-off' ? this.go('captured') : [];
    }
  }

  private onLine(stream: 'log' | 'console' | 'report', line: string): Transition[] {
    const clean = line.replace(/\r/g, '').trimEnd();
    if (clean === '') return [];
    if (stream === 'report') {
      if (clean === this.options.completionLine) this.reportComplete = true;
      return [];
    }
    this.tail.push(`[${stream}] ${clean}`);
    if (this.tail.length > this.tailSize) this.tail.shift();
    const out: Transition[] = [];
    if (this.state === 'booting') {
      const startedByConsole = stream === 'console' && this.options.installerStartedOnConsole?.test(clean);
      if (stream === 'log' || startedByConsole) out.push(...this.go('installing'));
    }
    if (stream === 'log') this.lastMessage = clean;
    const hit = matchFailure(clean, this.options.patterns);
    if (hit) out.push(...this.fail('installer-error', `installer error: ${hit.pattern.summary}`, clean));
    return out;
  }

  private onActivity(at: number, disk: number, net: number): Transition[] {
    if (disk > this.quietDisk || net - this.quietNet >= this.stallNet) {
      this.quietSince = at;
      this.quietDisk = disk;
      this.quietNet = net;
    }
    return this.onTick(at);
  }

  private onTick(at: number): Transition[] {
    if (this.state !== 'booting' && this.state !== 'installing') return [];
    if (this.startedAt !== undefined && at - this.startedAt >= this.options.timeoutS * 1000) {
      return this.fail('timeout', `the install did not finish within ${this.options.timeoutS} s (--timeout)`);
    }
    if (this.quietSince !== undefined && at - this.quietSince >= this.options.stallTimeoutS * 1000) {
      return this.fail(
        'stalled',
        `the install stalled: no disk writes and under ${this.stallNet} bytes of network for ${this.options.stallTimeoutS} s (--stall-timeout)`,
      );
    }
    return [];
  }

  private fail(reason: FailureReason, message: string, line?: string): Transition[] {
    this.failure = { reason, message, line, tail: [...this.tail] };
    return this.go('failed', message);
  }

  private go(to: GuestState, detail?: string): Transition[] {
    const from = this.state;
    if (from === to) return [];
    this.state = to;
    return [{ from, to, detail }];
  }
}
