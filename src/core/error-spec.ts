/** The shape of one entry of kiln's error catalogue (error-catalogue.ts), and its constructors. */
/** Whose fault it is: bad input (user), a bug in kiln (kiln), or something outside (external). */
export type Fault = 'user' | 'kiln' | 'external';

export interface ErrorSpec {
  /** Whose fault it is: bad input (user), a bug in kiln (kiln), or something outside (external). */
  fault: Fault;
  /** Bad flags, arguments or input: exit 2 instead of 1. */
  usage?: true;
  /** Shown when the place that raised the error has nothing more precise to say. */
  hint: string;
}

export const user = (hint: string): ErrorSpec => ({ fault: 'user', hint });
export const usage = (hint: string): ErrorSpec => ({ fault: 'user', usage: true, hint });
export const external = (hint: string): ErrorSpec => ({ fault: 'external', hint });
export const kiln = (hint: string): ErrorSpec => ({ fault: 'kiln', hint });

export const BUG = 'This is a bug in kiln; please report it with the command, its output and, for a build, its log directory.';
