/**
 * A guest as an explicit state machine, for installs and boot tests alike:
 *
 *   install:    preparing → booting → installing → powered-off → captured
 *   boot test:  preparing → booting → kernel → running → ready → passed
 *   both:       any state before the end ──────────────────────────────→ failed
 *
 * It is pure: the caller feeds it inputs (domain events, whole log lines, activity counters,
 * clock ticks, and for boot tests the outcome of the login and the checks) and acts on the
 * transitions it returns. Progress comes from milestones (a line on the installer log or the
 * console), failures from the failure patterns, per-state deadlines, the stall watchdog and the
 * overall timeout. Timing is honest: it compares real timestamps, never loop counts.
 */
import type { GuestState } from '../core/events.js';
import { matchFailure, type FailurePattern } from '../installers/failure-patterns.js';

export type Stream = 'log' | 'console' | 'report';

export type MonitorInput =
  | { kind: 'domain-started'; at: number }
  | { kind: 'domain-stopped'; at: number; detail: string }
  /** Whole lines: the installer log channel, the serial console, kiln's own report channel. */
  | { kind: 'line'; at: number; stream: Stream; line: string }
  /** Cumulative counters since the guest started. */
  | { kind: 'activity'; at: number; diskWriteBytes: number; networkBytes: number }
  | { kind: 'tick'; at: number }
  | { kind: 'captured'; at: number }
  /** Boot tests: logged in (ready), every check passed (passed), or the caller found a failure. */
  | { kind: 'ready'; at: number; detail?: string }
  | { kind: 'passed'; at: number }
  | { kind: 'fail'; at: number; reason: FailureReason; message: string };

export type FailureReason =
  | 'installer-error'
  | 'stalled'
  | 'timeout'
  | 'no-poweroff'
  | 'incomplete'
  | 'no-bootloader'
  | 'kernel-panic'
  | 'stopped'
  | 'no-network'
  | 'ssh-refused'
  | 'cloud-init'
  | 'check-failed';

export interface Failure {
  reason: FailureReason;
  message: string;
  /** The line that matched, for pattern failures. */
  line?: string;
  /** The last lines of the installer log and console, oldest first. */
  tail: string[];
}

export interface Transition {
  from: GuestState;
  to: GuestState;
  detail?: string;
}

/** A step forward: a line on `stream` (matching `test`, when given) moves the guest to `to`. */
export interface Milestone {
  to: GuestState;
  stream: 'log' | 'console';
  test?: RegExp;
}

export interface Deadline {
  /** Seconds the guest may stay in the state. */
  seconds: number;
  reason: FailureReason;
  message: string;
}

export interface MonitorOptions {
  /** 'install' (default): a power-off after the last milestone is the goal. 'boot': any stop is a failure. */
  mode?: 'install' | 'boot';
  /** Seconds with no disk writes and under `stallNetworkBytes` of network before the watch fails (installs). */
  stallTimeoutS?: number;
  stallNetworkBytes?: number;
  /** Seconds for the whole run. */
  timeoutS: number;
  patterns: readonly FailurePattern[];
  /** Installs without a log channel: this console text means the installer is running. */
  installerStartedOnConsole?: RegExp;
  /** The milestones, in order (default for installs: any installer-log line → installing). */
  milestones?: Milestone[];
  deadlines?: Partial<Record<GuestState, Deadline>>;
  tailLines?: number;
  /**
   * Installs: the report line kiln's own %post writes last. A guest that powers off without it
   * did not finish the install (the installer stopped early), so its disk is not captured.
   */
  completionLine?: string;
}

const PATTERN_REASON: Record<string, FailureReason> = { 'kernel-panic': 'kernel-panic', 'no-bootloader': 'no-bootloader' };

export class GuestMachine {
  state: GuestState = 'preparing';
  failure?: Failure;
  lastMessage?: string;
  reportComplete = false;
  private readonly tail: string[] = [];
  private startedAt?: number;
  private stateSince?: number;
  private quietSince?: number;
  private quietDisk = 0;
  private quietNet = 0;
  private readonly stallNet: number;
  private readonly tailSize: number;
  private readonly milestones: Milestone[];
  private readonly mode: 'install' | 'boot';

  constructor(private readonly options: MonitorOptions) {
    this.stallNet = options.stallNetworkBytes ?? 4096;
    this.tailSize = options.tailLines ?? 40;
    this.mode = options.mode ?? 'install';
    this.milestones = options.milestones ?? [
      { to: 'installing', stream: 'log' },
      ...(options.installerStartedOnConsole ? [{ to: 'installing' as const, stream: 'console' as const, test: options.installerStartedOnConsole }] : []),
    ];
  }

  get done(): boolean {
    return this.state === 'captured' || this.state === 'passed' || this.state === 'failed';
  }

  /** The guest is about to be created. */
  boot(at: number): Transition[] {
    this.startedAt = at;
    this.quietSince = at;
    return this.go('booting', at);
  }

  feed(input: MonitorInput): Transition[] {
    if (this.done) return [];
    switch (input.kind) {
      case 'domain-started':
        return [];
      case 'line':
        return [...this.onLine(input.at, input.stream, input.line), ...this.onTick(input.at)];
      case 'activity':
        return this.onActivity(input.at, input.diskWriteBytes, input.networkBytes);
      case 'tick':
        return this.onTick(input.at);
      case 'domain-stopped':
        return this.onStop(input.at, input.detail);
      case 'captured':
        return this.state === 'powered-off' ? this.go('captured', input.at) : [];
      case 'ready':
        return this.mode === 'boot' && this.state !== 'ready' ? this.go('ready', input.at, input.detail) : [];
      case 'passed':
        return this.state === 'ready' ? this.go('passed', input.at) : [];
      case 'fail':
        return this.fail(input.reason, input.message);
    }
  }

  private onStop(at: number, detail: string): Transition[] {
    if (this.mode === 'boot') return this.fail('stopped', `the guest stopped (${detail}) before the test was over`);
    if (this.state === 'installing') {
      if (this.options.completionLine && !this.reportComplete) {
        return this.fail('incomplete', `the guest powered off (${detail}) before the install completed: kiln's %post never reported`);
      }
      return this.go('powered-off', at, detail);
    }
    if (this.state === 'booting') return this.fail('no-poweroff', `the guest stopped (${detail}) before the installer started`);
    return [];
  }

  private onLine(at: number, stream: Stream, line: string): Transition[] {
    const clean = line.replace(/\r/g, '').trimEnd();
    if (clean === '') return [];
    if (stream === 'report') {
      if (clean === this.options.completionLine) this.reportComplete = true;
      return [];
    }
    this.tail.push(`[${stream}] ${clean}`);
    if (this.tail.length > this.tailSize) this.tail.shift();
    const out: Transition[] = [];
    // Milestones only move forward: past the last one (a boot test that logged in), none applies.
    const position = this.state === 'booting' ? -1 : this.milestones.findIndex((m) => m.to === this.state);
    const ahead = this.state === 'booting' || position >= 0 ? this.milestones.slice(position + 1) : [];
    for (const m of ahead) {
      if (m.stream === stream && (!m.test || m.test.test(clean)) && m.to !== this.state) {
        out.push(...this.go(m.to, at));
        break;
      }
    }
    if (stream === 'log') this.lastMessage = clean;
    const hit = matchFailure(clean, this.options.patterns);
    if (hit) {
      const reason = PATTERN_REASON[hit.pattern.id] ?? (this.mode === 'install' ? 'installer-error' : 'check-failed');
      out.push(...this.fail(reason, `${this.mode === 'install' ? 'installer error: ' : ''}${hit.pattern.summary}`, clean));
    }
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
    if (this.done || this.state === 'preparing' || this.state === 'powered-off') return [];
    if (this.startedAt !== undefined && at - this.startedAt >= this.options.timeoutS * 1000) {
      return this.fail('timeout', `the ${this.mode === 'install' ? 'install' : 'boot test'} did not finish within ${this.options.timeoutS} s (--timeout)`);
    }
    const deadline = this.options.deadlines?.[this.state];
    if (deadline && this.stateSince !== undefined && at - this.stateSince >= deadline.seconds * 1000) {
      return this.fail(deadline.reason, deadline.message);
    }
    const stall = this.options.stallTimeoutS;
    if (stall !== undefined && this.quietSince !== undefined && at - this.quietSince >= stall * 1000) {
      return this.fail('stalled', `the install stalled: no disk writes and under ${this.stallNet} bytes of network for ${stall} s (--stall-timeout)`);
    }
    return [];
  }

  private fail(reason: FailureReason, message: string, line?: string): Transition[] {
    if (this.done) return [];
    this.failure = { reason, message, line, tail: [...this.tail] };
    return this.go('failed', undefined, message);
  }

  private go(to: GuestState, at?: number, detail?: string): Transition[] {
    const from = this.state;
    if (from === to) return [];
    this.state = to;
    if (at !== undefined) this.stateSince = at;
    return [{ from, to, detail }];
  }
}
