/** The human summary of a publish: one row per region (AMI, snapshot, state), then upload numbers. */
import { formatBytes } from '../../core/units.js';
import type { PublishResult } from './types.js';

export function formatPublishTable(result: PublishResult): string {
  const header = ['REGION', 'AMI', 'SNAPSHOT', 'STATE', 'PUBLIC'];
  const rows = result.images.map((i) => [i.region, i.imageId, i.snapshotId || '-', i.state, i.public ? 'yes' : 'no']);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  const up = result.snapshot.upload;
  if (up) {
    const rate = up.seconds > 0 ? `, ${formatBytes(up.bytesSent / up.seconds)}/s` : '';
    lines.push(
      '',
      `snapshot ${result.snapshot.id} ${result.snapshot.state}: sent ${up.blocksSent} of ${up.blocksTotal} blocks (${formatBytes(up.bytesSent)}) in ${up.seconds.toFixed(1)} s${rate}; ${up.blocksSkipped} blocks skipped`,
    );
  } else {
    lines.push('', `snapshot ${result.snapshot.id} ${result.snapshot.state}`);
  }
  return lines.join('\n');
}
