/** The drop's table: per image × arch the state of each phase, what went into the compose, time, AMIs. */
import { formatBytes, formatDuration } from '../../core/units.js';
import type { DropItemRecord } from './record.js';

const PHASES = ['install', 'targets', 'test', 'publish'] as const;
const MARK: Record<string, string> = { done: 'ok', failed: 'FAILED', skipped: 'skipped', running: 'running', pending: '…' };

export function summaryRows(items: readonly DropItemRecord[]): string[][] {
  return items.map((i) => {
    const shipped = i.outputs.filter((o) => o.path);
    const ms = Object.values(i.steps).reduce((n, s) => n + (s.ms ?? 0), 0);
    return [
      i.image,
      i.arch,
      ...PHASES.map((p) => (i.steps[p] ? MARK[i.steps[p]!.state] ?? i.steps[p]!.state : '-')),
      shipped.length ? `${shipped.length} (${formatBytes(shipped.reduce((n, o) => n + o.size, 0))})` : '-',
      ms ? formatDuration(ms) : '-',
      i.amis.map((a) => `${a.region}:${a.imageId}`).join(' ') || '-',
    ];
  });
}

export const SUMMARY_HEADERS = ['IMAGE', 'ARCH', 'INSTALL', 'TARGETS', 'TEST', 'PUBLISH', 'OUTPUTS', 'TIME', 'AMIS'];
