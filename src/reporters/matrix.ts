/**
 * The live table of a drop on a terminal: one line per image × arch with the phase it is in (or
 * the last it finished), how long that has taken, and a mark per phase. Fed by `step` events.
 */
import type { KilnEvent, StepState } from '../core/events.js';
import { formatDuration } from '../core/units.js';

const PHASES = ['install', 'targets', 'test', 'publish'];
const MARK: Record<StepState, string> = { pending: '·', running: '▶', done: '✓', failed: '✗', skipped: '-' };

interface Row {
  phases: Map<string, StepState>;
  current?: string;
  since: number;
}

export class DropMatrix {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly now: () => number) {}

  get size(): number {
    return this.rows.size;
  }

  update(e: Extract<KilnEvent, { type: 'step' }>): void {
    const row: Row = this.rows.get(e.row) ?? { phases: new Map(), since: this.now() };
    row.phases.set(e.step, e.state);
    if (e.state === 'running') {
      row.current = e.step;
      row.since = this.now();
    }
    this.rows.set(e.row, row);
  }

  lines(width: number): string[] {
    const nameWidth = Math.max(...[...this.rows.keys()].map((k) => k.length), 4);
    return [...this.rows].map(([name, row]) => {
      const marks = PHASES.map((p) => `${p} ${MARK[row.phases.get(p) ?? 'pending']}`).join(' ');
      const running = row.current && row.phases.get(row.current) === 'running' ? ` | ${row.current} ${formatDuration(this.now() - row.since)}` : '';
      const line = `${name.padEnd(nameWidth)}  ${marks}${running}`;
      return line.length > width ? `${line.slice(0, width - 1)}…` : line;
    });
  }
}
