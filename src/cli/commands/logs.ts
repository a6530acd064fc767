/** `kiln logs <id>`: where a build's logs are, or one of them printed. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandSpec } from '../command.js';
import { openStore } from '../../store/store.js';
import { defaultStoreDir } from '../../core/paths.js';
import { KilnError } from '../../core/errors.js';
import { storeOption } from './shared-options.js';

/** The files every build keeps in its log directory. */
export const LOG_FILES = {
  installer: 'installer.log',
  console: 'console.log',
  kickstart: 'kickstart.cfg',
  domain: 'domain.xml',
  report: 'report.log',
  build: 'build.jsonl',
} as const;

async function findLogDir(storeDir: string, id: string): Promise<string> {
  const store = openStore(storeDir);
  // A failed build has no image, only logs: its build id (as printed in the error) also works.
  const logsRoot = join(storeDir, 'logs');
  const builds = await readdir(logsRoot).catch(() => [] as string[]);
  const byBuild = builds.filter((b) => b === id || b.startsWith(id));
  if (byBuild.length === 1) return join(logsRoot, byBuild[0]!);
  return (await store.lookup(id)).record.logDir;
}

export const logsCommand: CommandSpec = {
  name: 'logs',
  summary: "show where a build's logs are, or print one of them",
  args: ['<id>'],
  options: [
    storeOption,
    { flags: '--installer', description: 'print the installer log' },
    { flags: '--console', description: 'print the serial console log' },
    { flags: '--kickstart', description: 'print the kickstart that was booted (root password redacted)' },
    { flags: '--domain', description: 'print the libvirt domain XML' },
  ],
  examples: ['kiln logs 3f2a9c', 'kiln logs 3f2a9c --installer', 'kiln logs 20261123-101500-3f2a9c1b2d3e --console'],
  async action(args, options, ctx) {
    const dir = await findLogDir(String(options.store ?? defaultStoreDir(ctx.env)), args[0]!);
    const which = (['installer', 'console', 'kickstart', 'domain'] as const).find((k) => options[k]);
    const files = await readdir(dir).catch(() => {
      throw new KilnError('LOGS_MISSING', `the log directory ${dir} is gone`, { fault: 'user' });
    });
    if (!which) {
      return { text: [dir, ...files.sort().map((f) => `  ${f}`)].join('\n'), json: { dir, files: files.sort() } };
    }
    const path = join(dir, LOG_FILES[which]);
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new KilnError('LOGS_MISSING', `this build has no ${LOG_FILES[which]}`, { cause: error, fault: 'user', hint: `It keeps: ${files.join(', ')}` });
    });
    return { text, json: { path, text } };
  },
};
