/** Plain reporter: one line per event that matters, for logs and non-terminal output. */
import type { KilnEvent } from '../core/events.js';
import { describeProgress, type Reporter, type ReporterOptions } from './reporter.js';

const PROGRESS_EVERY_MS = 5_000;

export function plainReporter(options: ReporterOptions): Reporter {
  const now = options.now ?? Date.now;
  const lastProgress = new Map<string, number>();
  let scope: string | undefined;
  const write = (line: string) => options.out.write(`${scope ? `[${scope}] ` : ''}${line}\n`);
  return {
    event(e: KilnEvent) {
      scope = e.scope;
      switch (e.type) {
        case 'message':
          if (e.level === 'debug' && !options.verbose) return;
          write(e.level === 'warn' ? `warning: ${e.text}` : e.text);
          return;
        case 'phase':
          if (e.state === 'start') write(`==> ${e.phase}${e.detail ? `: ${e.detail}` : ''}`);
          else if (e.state === 'skip') write(`==> ${e.phase}: skipped${e.detail ? ` (${e.detail})` : ''}`);
          else if (e.state === 'fail') write(`==> ${e.phase}: failed${e.elapsedMs !== undefined ? ` after ${(e.elapsedMs / 1000).toFixed(1)}s` : ''}`);
          else if (options.verbose || e.elapsedMs !== undefined) write(`==> ${e.phase}: done${e.elapsedMs !== undefined ? ` in ${(e.elapsedMs / 1000).toFixed(1)}s` : ''}`);
          return;
        case 'progress': {
          const t = now();
          const last = lastProgress.get(e.task) ?? 0;
          const finished = e.total !== undefined && e.done >= e.total;
          if (!finished && t - last < PROGRESS_EVERY_MS) return;
          lastProgress.set(e.task, t);
          write(`    ${describeProgress(e)}`);
          return;
        }
        case 'guest':
          write(`guest ${e.domain ?? ''}: ${e.state}${e.detail ? ` (${e.detail})` : ''}`.replace('  ', ' '));
          return;
        case 'installer-line':
          if (options.verbose || e.stream === 'log') write(`    [${e.stream}] ${e.line}`);
          return;
        case 'step':
          write(`${e.row}: ${e.step} ${e.state}${e.detail && e.state !== 'running' ? ` (${e.detail})` : ''}`);
          return;
        case 'result':
          return;
      }
    },
    close() {},
  };
}
