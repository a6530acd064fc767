/**
 * Checks of section headers and bodies, as pykickstart's sections.py makes them: the header's
 * options per release, a section left open (an error from F8 on; before F8 a section simply
 * ended at the next one), %packages lines, %certificate's header and body.
 */
import { parseArgs } from './args.js';
import type { SectionNode } from './document.js';
import type { Diagnostic } from './diagnostics.js';
import { lookupSection, sectionAsCommand } from './syntax/index.js';
import { since } from './syntax/types.js';
import { tokenize } from './tokenize.js';
import type { SyntaxVersion } from './versions.js';

function checkPackagesBody(section: SectionNode, out: Diagnostic[]): void {
  for (const line of section.body) {
    const t = line.text.trim();
    if (t === '' || t.startsWith('#')) continue;
    const at = (severity: Diagnostic['severity'], message: string) => out.push({ severity, file: line.loc.file, line: line.loc.line, message });
    // pykickstart drops what follows '#'; then a lone '-' makes it fail (there is nothing to exclude).
    const entry = t.split('#')[0]!.trimEnd();
    if (entry === '-') {
      at('error', "%packages: '-' alone excludes nothing; write -PACKAGE or -@GROUP");
      continue;
    }
    if (entry.startsWith('%')) continue;
    const words = entry.split(/\s+/);
    const isGroup = /^@/.test(words[0]!) && !words[0]!.startsWith('@^');
    const flags = words.filter((w) => w.startsWith('--'));
    if (isGroup && flags.includes('--nodefaults') && flags.includes('--optional')) at('error', '%packages: a group cannot take both --nodefaults and --optional');
    // kiln's own advice: pykickstart keeps the words as part of the name, which no repository has.
    const unknown = flags.filter((f) => !isGroup || !['--nodefaults', '--optional'].includes(f));
    if (unknown.length) at('warning', `%packages: ${unknown[0]} is not a ${isGroup ? 'group option (--nodefaults, --optional)' : 'package option'}; it becomes part of the name '${entry}'`);
    if (entry === '@' || entry === '@^' || entry === '-@') at('warning', `%packages: '${entry}' names nothing`);
  }
}

function checkPackagesHeader(section: SectionNode, options: Map<string, string | true>, v: SyntaxVersion, out: Diagnostic[]): void {
  const at = (severity: Diagnostic['severity'], message: string) => out.push({ severity, file: section.loc.file, line: section.loc.line, message });
  if (options.has('--default') && options.has('--nobase')) at('error', '%packages: --default and --nobase cannot be used together');
  if (since('F21', v) && options.has('--default') && options.has('--nocore')) at('error', '%packages: --default and --nocore cannot be used together');
  const f32to39 = (since('F32', v) && !since('F40', v)) || (v.family === 'RHEL' && v.number === 9);
  if (f32to39 && options.has('--instLangs')) at('warning', '%packages: --instLangs will be deprecated; write --inst-langs');
  if (f32to39 && options.has('--excludeWeakdeps')) at('warning', '%packages: --excludeWeakdeps will be deprecated; write --exclude-weakdeps');
}

export function checkSection(section: SectionNode, v: SyntaxVersion, out: Diagnostic[]): void {
  const spec = lookupSection(section.name);
  const at = (severity: Diagnostic['severity'], message: string) => out.push({ severity, file: section.loc.file, line: section.loc.line, message });
  if (section.end === null && section.openUntil && since('F8', v)) {
    const where = section.openUntil.next ? `${section.openUntil.next} starts on line ${section.openUntil.line}` : 'reached the end of the file';
    at('error', `${section.name}: section does not end with %end (${where})`);
  }
  if (!spec) return; // reported by the parser
  const headerWords = section.header !== undefined ? tokenize(section.header).words.slice(1) : section.args;
  const { parsed, messages } = parseArgs(section.name, headerWords, sectionAsCommand(spec), v, section.loc);
  for (const m of messages) at(m.severity, m.message);
  switch (spec.kind) {
    case 'packages':
      checkPackagesHeader(section, parsed.options, v, out);
      checkPackagesBody(section, out);
      break;
    case 'script': {
      const interp = parsed.options.get('--interpreter');
      if (typeof interp === 'string' && !interp.startsWith('/')) at('warning', `${section.name}: --interpreter should be an absolute path, not '${interp}'`);
      break;
    }
    case 'certificate':
      if (!parsed.options.get('--dir') && !parsed.options.get('--type')) at('error', '%certificate: one of --dir or --type is required');
      if (section.body.every((l) => l.text.trim() === '')) at('error', '%certificate: the section is empty');
      break;
    case 'opaque':
      // Anaconda's own parser reads %addon and stops when the add-on's name is missing.
      if (section.name === '%addon' && headerWords.length === 0) at('error', '%addon: the add-on name is required (e.g. %addon com_redhat_kdump); Anaconda stops without it');
      break;
  }
}
