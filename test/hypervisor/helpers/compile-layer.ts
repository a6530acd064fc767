/**
 * Transpiles hypervisor/ (TypeScript, imports already ending in .js) into a temporary directory
 * so a plain `node` child process can load the layer: the tests that check a process using it
 * really exits need a process of their own. node_modules is linked in for koffi and
 * fast-xml-parser.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../../src/core/version.js';

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** Writes outDir/hypervisor/**.js and outDir/node_modules; returns the path of index.js. */
export async function compileLayer(outDir: string): Promise<string> {
  const source = join(PROJECT_ROOT, 'hypervisor');
  for await (const file of tsFiles(source)) {
    const output = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const target = join(outDir, 'hypervisor', relative(source, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output);
  }
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(outDir, 'node_modules'));
  return join(outDir, 'hypervisor', 'index.js');
}
