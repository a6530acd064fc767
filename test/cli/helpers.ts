/** Runs kiln's CLI in-process, as a user would, with captured output. */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await main({
    argv,
    stdout,
    stderr,
    env: { ...process.env, ...options.env },
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
  });
  return { code, stdout: out, stderr: err };
}

/** The default each option's entry in a --help text states ('(default: X)'), by long flag. */
export function helpDefaults(help: string): Record<string, string> {
  const stated: Record<string, string> = {};
  // An entry starts on a line indented by two spaces and a dash; commander wraps the rest.
  for (const entry of help.split(/\n(?= {2}-)/)) {
    const flag = /^ {2}(?:-\w, )?(--[a-z][\w-]*)/.exec(entry)?.[1];
    const value = /\(default: ([^)]*)\)/.exec(entry.replace(/\s+/g, ' '))?.[1];
    if (flag && value !== undefined) stated[flag] = value;
  }
  return stated;
}
