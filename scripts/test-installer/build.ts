/**
 * `node dist/scripts/test-installer/build.js --arch x86_64|i686 [--cache DIR]`
 *
 * Builds (or reuses from the cache) the install tree of kiln's Anaconda TEST DOUBLE for one
 * architecture and prints the tree's directory as the last line of its output. Progress goes to
 * stderr. Needs root (debootstrap) and the Debian archive; see README.md in this directory.
 */
import { Command } from 'commander';
import { toKilnError } from '../../src/core/errors.js';
import { buildTestInstallerTree } from './tree.js';

async function main(argv: string[]): Promise<void> {
  const program = new Command('test-installer-build')
    .description("build or reuse the install tree of kiln's Anaconda test double")
    .requiredOption('--arch <arch>', 'x86_64 or i686')
    .option('--cache <dir>', "kiln's cache dir (default: $KILN_CACHE_DIR or ~/.cache/kiln)")
    .parse(argv);
  const opts = program.opts<{ arch: string; cache?: string }>();
  const started = Date.now();
  const tree = await buildTestInstallerTree({
    arch: opts.arch,
    cache: opts.cache,
    log: (line) => process.stderr.write(`test-installer: ${line}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`test-installer: ${tree.reused ? 'reused' : 'built'} the ${tree.arch} tree in ${seconds} s\n`);
  process.stdout.write(`${tree.dir}\n`);
}

main(process.argv).catch((error: unknown) => {
  const e = toKilnError(error);
  process.stderr.write(`test-installer: error: ${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}${e.hint ? `hint: ${e.hint}\n` : ''}`);
  process.exit(e.exitCode);
});
