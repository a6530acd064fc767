/**
 * What `kiln build` installs, resolved and validated before anything boots: a kickstart file, an
 * Oz TDL (mapped onto the family's guest template), or a shipped guest template, optionally with
 * a user kickstart merged over it (the kickstart wins). A broken input fails here, in
 * milliseconds, with every finding listed.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KilnError, usageError } from '../core/errors.js';
import { warn } from '../core/events.js';
import { parseSize } from '../core/units.js';
import { didYouMean, errorsOf, formatDiagnostic, locateDiagnostic, sortDiagnostics, warningsOf } from './kickstart/diagnostics.js';
import { validateKickstart } from './kickstart/validate.js';
import { fromKickstart, fromTdl, fromTemplate, type SourceContext, type SourceResult } from './image-sources.js';

import type { Arch, ImageSpec, ResolveImageSpecInput } from './image-spec-types.js';

export type { Arch, Family, ImageSpec, ResolveImageSpecInput } from './image-spec-types.js';

const ARCH_ALIASES: Record<string, Arch> = { x86_64: 'x86_64', amd64: 'x86_64', i386: 'i686', i486: 'i686', i586: 'i686', i686: 'i686' };

/** i386/i486/i586/i686 → i686, amd64 → x86_64; anything else is a usage error. */
export function normalizeArch(arch: string): Arch {
  const a = ARCH_ALIASES[arch.trim().toLowerCase()];
  if (!a) throw usageError(`unknown architecture '${arch}'${didYouMean(arch, Object.keys(ARCH_ALIASES))}`, 'kiln builds x86_64 and i686 (i386) images.');
  return a;
}

async function readInput(cwd: string, path: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new KilnError('INPUT_READ', `cannot read ${path}: ${why}`, { fault: 'user', cause: error, source: { file: path } });
  }
}

export async function resolveImageSpec(input: ResolveImageSpecInput): Promise<ImageSpec> {
  if (input.template && input.file) throw usageError('give a kickstart or TDL file, or --template, not both', 'A kickstart can be merged over a template with --kickstart.');
  if (!input.template && !input.file && !input.kickstart) throw usageError('nothing to build: give a kickstart, a TDL or --template NAME --release N');
  const ctx: SourceContext = {
    input,
    arch: input.arch ? normalizeArch(input.arch) : undefined,
    diskSizeBytes: input.diskSize ? parseSize(input.diskSize, 'disk size') : undefined,
    loadOpts: { cwd: input.cwd, fetch: input.fetch },
  };

  let source: SourceResult;
  if (input.template) source = await fromTemplate(ctx, input.template);
  else {
    const path = (input.file ?? input.kickstart)!;
    const text = await readInput(input.cwd, path);
    // A TDL is XML; anything else is read as a kickstart.
    source = /^\uFEFF?\s*</.test(text) ? await fromTdl(ctx, path, text) : await fromKickstart(ctx, path, text);
  }

  const { facts, doc, syntax } = source;
  const warnings = [...(syntax.warning ? [syntax.warning] : []), ...source.warnings];
  // kiln installs unattended: what Anaconda would stop for (no storage, no administrator) fails here.
  const validation = validateKickstart(doc, syntax.version, { unattended: { rootPasswordGiven: facts.rootPassword !== undefined } });
  const diagnostics = sortDiagnostics([...source.diagnostics, ...validation.diagnostics]);
  const errors = errorsOf(diagnostics);
  if (errors.length) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    throw new KilnError('KS_INVALID', `${errors[0]!.message}${more}`, {
      fault: 'user',
      source: { file: errors[0]!.file, ...(errors[0]!.line > 0 ? { line: errors[0]!.line } : {}) },
      details: diagnostics.map(formatDiagnostic),
      hint: `The kickstart was validated as ${syntax.version.name}; \`kiln ks validate FILE --syntax VERSION\` checks one on its own.`,
    });
  }
  warnings.push(...warningsOf(diagnostics).map(locateDiagnostic));
  for (const w of warnings) warn(input.emit, w, 'KS_WARNING');
  return { ...facts, syntax: syntax.version.name, kickstart: doc, warnings };
}
