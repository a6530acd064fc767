/** Picks a reporter: --json → JSON lines; a terminal → live status line; otherwise plain lines. */
import { jsonReporter } from './json.js';
import { plainReporter } from './plain.js';
import { ttyReporter } from './tty.js';
import type { Reporter, ReporterOptions } from './reporter.js';

export const reporters = { json: jsonReporter, plain: plainReporter, tty: ttyReporter } as const;
export type ReporterName = keyof typeof reporters;

export function pickReporter(name: ReporterName | undefined, options: ReporterOptions): Reporter {
  const chosen: ReporterName = name ?? (options.out.isTTY ? 'tty' : 'plain');
  return reporters[chosen](options);
}

export type { Reporter, ReporterOptions } from './reporter.js';
