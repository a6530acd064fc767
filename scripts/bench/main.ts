/**
 * `npm run bench [-- --quick] [-- --only install,targets,publish,boot,drop]`: runs each section, each of
 * which measures kiln against baselines in the same invocation, and prints one table (markdown, for
 * the README) plus a JSON file of the rows.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../src/core/paths.js';
import type { BenchContext, BenchRow, BenchSection } from './types.js';

const SECTIONS: Record<string, () => Promise<{ run: BenchSection }>> = {
  install: () => import('./install.js'),
  targets: () => import('./targets.js'),
  publish: () => import('./publish.js'),
  boot: () => import('./boot.js'),
  drop: () => import('./drop.js'),
};

function markdown(rows: BenchRow[]): string {
  const head = '| section | measurement | seconds | baseline | ratio | goal | note |\n|---|---|---:|---|---:|---|---|';
  const body = rows.map(
    (r) => `| ${r.section} | ${r.name} | ${r.seconds.toFixed(2)} | ${r.baseline ?? ''} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : ''} | ${r.goal ?? ''} | ${r.note ?? ''} |`,
  );
  return [head, ...body].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : Object.keys(SECTIONS);
  const rows: BenchRow[] = [];
  for (const name of only) {
    const load = SECTIONS[name];
    if (!load) throw new Error(`unknown bench section ${name} (known: ${Object.keys(SECTIONS).join(', ')})`);
    // Under the cache dir, not /tmp: the benchmark disks are GiBs and /tmp may be a small tmpfs.
    await mkdir(cacheDir(), { recursive: true });
    const workDir = await mkdtemp(join(cacheDir(), `bench-${name}-`));
    const ctx: BenchContext = { workDir, quick, log: (line) => process.stderr.write(`[${name}] ${line}\n`) };
    try {
      const { run } = await load();
      rows.push(...(await run(ctx)));
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
  const table = markdown(rows);
  process.stdout.write(`${table}\n`);
  const out = join(cacheDir(), 'bench-latest.json');
  await writeFile(out, JSON.stringify({ date: new Date().toISOString(), quick, rows }, null, 2));
  process.stderr.write(`rows written to ${out}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
