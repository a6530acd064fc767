/** JSON reporter: one JSON object per line (event plus a timestamp), for machines. */
import type { KilnEvent } from '../core/events.js';
import type { Reporter, ReporterOptions } from './reporter.js';

export function jsonReporter(options: ReporterOptions): Reporter {
  const now = options.now ?? Date.now;
  return {
    event(e: KilnEvent) {
      if (e.type === 'message' && e.level === 'debug' && !options.verbose) return;
      options.out.write(`${JSON.stringify({ time: new Date(now()).toISOString(), ...e })}\n`);
    },
    close() {},
  };
}
