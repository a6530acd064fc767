/**
 * The descriptor schema kiln ships (appliance.rng beside this file: virt-image's format and
 * kiln's additions) and its check with xmllint. Each of xmllint's complaints names the element
 * and the line; the error carries the first as its source and all of them as details.
 */
import { join } from 'node:path';
import { KilnError, isKilnError } from '../core/errors.js';
import { run } from '../core/run.js';
import { PROJECT_ROOT } from '../core/version.js';

/** Found from the project root so the built CLI finds it too. */
export const DESCRIPTOR_SCHEMA = join(PROJECT_ROOT, 'src', 'appliance', 'appliance.rng');

export interface SchemaProblem {
  line?: number;
  element?: string;
  message: string;
}

/** xmllint's lines: `FILE:LINE: element NAME: Relax-NG validity error : MESSAGE` (or a parser error). */
export function schemaProblems(stderr: string, file: string): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith(`${file}:`)) continue;
    const m = /^.*?:(\d+): (?:element (\S+): )?(?:Relax-NG validity error|parser error|namespace error)\s*:\s*(.*)$/.exec(line);
    if (m) out.push({ line: Number(m[1]), element: m[2], message: m[3]!.trim() });
  }
  return out;
}

/** Throws APPLIANCE_DESCRIPTOR_INVALID naming the element and line of each problem xmllint found. */
export async function checkSchema(file: string, signal?: AbortSignal, shownAs = file): Promise<void> {
  try {
    await run('xmllint', ['--noout', '--relaxng', DESCRIPTOR_SCHEMA, file], { timeoutMs: 60_000, signal });
  } catch (error) {
    if (!isKilnError(error) || error.code !== 'COMMAND_FAILED') throw error;
    const stderr = String((error.cause as { stderr?: unknown } | undefined)?.stderr ?? error.details.join('\n'));
    // xmllint reports the consequences of one mistake too ("Expecting an element…, got nothing",
    // "…has extra content"): the specific complaint goes first.
    const vague = (p: SchemaProblem) => (/^Expecting an element|has extra content|Expecting element|Invalid sequence/.test(p.message) ? 1 : 0);
    const problems = schemaProblems(stderr, file).sort((a, b) => vague(a) - vague(b));
    const first = problems[0];
    const say = (p: SchemaProblem) => `${shownAs}${p.line !== undefined ? `:${p.line}` : ''}: ${p.element ? `<${p.element}>: ` : ''}${p.message}`;
    throw new KilnError('APPLIANCE_DESCRIPTOR_INVALID', first ? say(first) : `${shownAs}: does not match the appliance descriptor schema`, {
      cause: error,
      fault: 'user',
      source: { file: shownAs, line: first?.line },
      details: problems.length > 1 ? problems.map(say) : [],
      hint: `The descriptor must follow virt-image's format (kiln's schema: ${DESCRIPTOR_SCHEMA}). Disk use is system, data (virt-image: user) or scratch; format raw, qcow2, qcow, vmdk, vdi or iso.`,
    });
  }
}
