/**
 * TTY reporter: one live status line (phase, elapsed time, last installer message or progress),
 * redrawn in place; warnings and phase changes are printed above it.
 */
import type { KilnEvent } from '../core/events.js';
import { formatDuration } from '../core/units.js';
import { describeProgress, type Reporter, type ReporterOptions } from './reporter.js';
import { DropMatrix } from './matrix.js';

const REDRAW_MS = 200;

export function ttyReporter(options: ReporterOptions): Reporter {
  const now = options.now ?? Date.now;
  const out = options.out;
  let phase = '';
  let phaseStart = now();
  let status = '';
  let shown = false;
  let lastDraw = 0;
  // A drop shows a live table (one line per image × arch) instead of the single status line.
  const matrix = new DropMatrix(now);
  let drawnLines = 0;
  const timer = setInterval(() => draw(true), 1000);
  timer.unref();

  function clear() {
    if (drawnLines > 1) out.write(`\x1b[${drawnLines - 1}A`);
    if (drawnLines > 0 || shown) out.write('\r\x1b[J');
    shown = false;
    drawnLines = 0;
  }
  function draw(force = false) {
    if (!phase && matrix.size === 0) return;
    const t = now();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    const width = Math.max(20, (out.columns ?? 80) - 1);
    const lines = matrix.size > 0 ? matrix.lines(width) : [`[${formatDuration(t - phaseStart)}] ${phase}${status ? ` | ${status}` : ''}`];
    clear();
    out.write(lines.map((l) => (l.length > width ? l.slice(0, width - 1) + '…' : l)).join('\n'));
    drawnLines = lines.length;
    shown = true;
  }
  function print(line: string) {
    clear();
    out.write(`${line}\n`);
    draw(true);
  }

  return {
    event(e: KilnEvent) {
      switch (e.type) {
        case 'message':
          if (e.level === 'debug' && !options.verbose) return;
          print(e.level === 'warn' ? `warning: ${e.text}` : e.text);
          return;
        case 'phase':
          if (e.state === 'start') {
            phase = e.phase + (e.detail ? ` (${e.detail})` : '');
            phaseStart = now();
            status = '';
            draw(true);
          } else if (e.state === 'end' || e.state === 'skip') {
            const took = e.elapsedMs !== undefined ? ` in ${formatDuration(e.elapsedMs)}` : '';
            print(`✓ ${e.phase}${e.state === 'skip' ? ' skipped' : took}${e.state === 'skip' && e.detail ? ` (${e.detail})` : ''}`);
          } else {
            print(`✗ ${e.phase}`);
          }
          return;
        case 'progress':
          status = describeProgress(e);
          draw();
          return;
        case 'guest':
          status = `guest ${e.state}${e.detail ? `: ${e.detail}` : ''}`;
          draw(true);
          return;
        case 'installer-line':
          if (options.verbose) print(`  [${e.stream}] ${e.line}`);
          if (e.stream === 'log') {
            status = e.line;
            draw();
          }
          return;
        case 'step':
          matrix.update(e);
          if (e.state === 'failed') print(`✗ ${e.row}: ${e.step}${e.detail ? `: ${e.detail}` : ''}`);
          else draw(true);
          return;
        case 'result':
          return;
      }
    },
    close() {
      clearInterval(timer);
      clear();
    },
  };
}
