/**
 * `--secret NAME=@FILE` and `--secret NAME=-`: a template variable whose value must not be on
 * the command line (where `ps` shows it to every user for the whole build) — read from a file, or
 * from standard input. One trailing newline is dropped (what `echo pw > file` adds). The value
 * never appears in a message: errors name the variable and the file only.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { usageError } from '../core/errors.js';

export const SECRET_HELP = 'a template variable that is a secret (root_password …), read from FILE (NAME=@FILE) or standard input (NAME=-), so ps never shows it (repeatable)';

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function readSecretVars(values: readonly string[] | undefined, o: { cwd: string; stdin?: NodeJS.ReadableStream }): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  let stdinUsed = false;
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq) : '';
    const source = eq > 0 ? v.slice(eq + 1) : '';
    if (!/^\w+$/.test(name) || !(source === '-' || source.startsWith('@'))) {
      throw usageError(`--secret ${name || '…'}: expected NAME=@FILE or NAME=- (a secret's value is never given on the command line)`, 'For example: --secret root_password=@/run/secrets/rootpw');
    }
    let text: string;
    if (source === '-') {
      if (stdinUsed) throw usageError(`--secret ${name}=-: standard input is already read for another secret`);
      stdinUsed = true;
      text = await readStdin(o.stdin ?? process.stdin);
    } else {
      const file = resolve(o.cwd, source.slice(1));
      text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw usageError(`--secret ${name}: cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : (error.code ?? error.message)}`);
      });
    }
    const value = text.replace(/\r?\n$/, '');
    if (value === '') throw usageError(`--secret ${name}: the value is empty`);
    vars[name] = value;
  }
  return vars;
}
