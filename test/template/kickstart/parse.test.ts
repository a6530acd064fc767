import { describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { renderKickstart } from '../../../src/template/kickstart/document.js';

const DIR = join(PROJECT_ROOT, 'test/fixtures/kickstarts');

async function corpus(): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['', 'broken', 'warnings', 'includes']) {
    for (const f of await readdir(join(DIR, sub))) if (f.endsWith('.ks')) out.push(join(sub, f));
  }
  return out;
}

describe('the document model round-trips text exactly', async () => {
  it.each(await corpus())('%s', async (file) => {
    const text = await readFile(join(DIR, file), 'utf8');
    expect(renderKickstart(parseKickstart(text, file).doc)).toBe(text);
  });

  it.each([
    ['CRLF line endings', 'text\r\nlang en_US\r\n\r\n%post\r\necho hi\r\n%end\r\n'],
    ['no final newline', 'text\n# trailing comment'],
    ['odd whitespace and comments kept', '  text   # display\n\t\n#version=F19\n  part  /  --size=1\n'],
  ])('%s', (_name, text) => {
    expect(renderKickstart(parseKickstart(text, 'x.ks').doc)).toBe(text);
  });
});

describe('structure', () => {
  it('reads commands, comments, sections and includes in order, with lines', () => {
    const { doc, diagnostics } = parseKickstart('# c\ntext\n\n%include other.ks\n%post --nochroot\necho %end-like but not\n  %end\npart / --size=1\n', 'a.ks');
    expect(diagnostics).toEqual([]);
    expect(doc.nodes.map((n) => [n.kind, n.loc.line])).toEqual([
      ['comment', 1],
      ['command', 2],
      ['blank', 3],
      ['include', 4],
      ['section', 5],
      ['command', 8],
    ]);
    const section = doc.nodes[4]!;
    expect(section.kind === 'section' && section.body.map((b) => b.text)).toEqual(['echo %end-like but not']);
  });

  it('keeps lines starting with % inside scripts when they are not section keywords', () => {
    const { doc, diagnostics } = parseKickstart('%post\n%{NAME} in a script\nprintf "%s" x\n%end\n', 'a.ks');
    expect(diagnostics).toEqual([]);
    expect(doc.nodes).toHaveLength(1);
  });

  it('a stray %end is an error but stays in the text', () => {
    const text = 'text\n%end\n';
    const { doc, diagnostics } = parseKickstart(text, 'a.ks');
    expect(diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(['2: %end without a section to close']);
    expect(renderKickstart(doc)).toBe(text);
  });
});
