/**
 * Applies a TDL to a kickstart document (usually a rendered guest template): repositories →
 * `repo` lines, packages → %packages, root password → `rootpw`, precommands, files and commands
 * → one %post. Oz runs files and commands over ssh after the install; in a kickstart they run in
 * %post, in the installed system, with each command's exit status checked as Oz does.
 * Content of type 'url' is fetched on the host (as Oz does when it reads the TDL) and embedded.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { KickstartDocument } from '../kickstart/document.js';
import { addCommand, appendSection, findCommands, findSections, getOption, setCommand } from '../kickstart/edit.js';
import { optionAvailable } from '../kickstart/args.js';
import { lookupCommand, specAvailable } from '../kickstart/syntax/index.js';
import type { SyntaxVersion } from '../kickstart/versions.js';
import type { Tdl, TdlScript } from './model.js';

export interface ApplyTdlOptions {
  version: SyntaxVersion;
  fetch?: typeof globalThis.fetch;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function supports(command: string, option: string, v: SyntaxVersion): boolean {
  const spec = lookupCommand(command, v);
  return !!spec && specAvailable(spec, v) && spec.options.some((o) => o.names.includes(option) && optionAvailable(o, v));
}

async function fetchContent(url: string, fetcher: typeof globalThis.fetch): Promise<Buffer> {
  if (url.startsWith('file:')) return readFile(fileURLToPath(url));
  const res = await fetcher(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function contentBytes(s: TdlScript, fetcher: typeof globalThis.fetch): Promise<Buffer> {
  if (s.type === 'base64') return Buffer.from(s.content.replace(/\s+/g, ''), 'base64');
  if (s.type === 'url') return fetchContent(s.content, fetcher);
  return Buffer.from(s.content, 'utf8');
}

/** Text that can sit in a %post heredoc verbatim: valid UTF-8, no CR, no line a kickstart parser would read as %end or a section. */
function heredocSafe(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes) || text.includes('\r') || text.includes('\0')) return undefined;
  if (text.split('\n').some((l) => l.trimStart().startsWith('%'))) return undefined;
  return text;
}

function base64Lines(bytes: Buffer): string[] {
  return bytes.toString('base64').match(/.{1,76}/g) ?? [];
}

class PostWriter {
  readonly lines: string[] = [];
  private n = 0;

  private delimiter(prefix: string, body: string): string {
    let d: string;
    do d = `${prefix}_${++this.n}`;
    while (body.split('\n').includes(d));
    return d;
  }

  file(path: string, bytes: Buffer, line: number): void {
    this.lines.push(`# TDL file ${path} (line ${line})`);
    if (path.includes('/')) this.lines.push(`mkdir -p "$(dirname ${shq(path)})"`);
    const text = heredocSafe(bytes);
    if (text !== undefined) {
      const d = this.delimiter('KILN_FILE', text);
      this.lines.push(`cat > ${shq(path)} <<'${d}'`, ...text.replace(/\n$/, '').split('\n'), d);
    } else {
      const d = this.delimiter('KILN_B64', '');
      this.lines.push(`base64 -d > ${shq(path)} <<'${d}'`, ...base64Lines(bytes), d);
    }
  }

  command(kind: string, name: string, bytes: Buffer, line: number): void {
    const fail = `|| { echo "kiln: TDL ${kind} ${name.replace(/["\\$`]/g, '')} failed" >&2; exit 1; }`;
    this.lines.push(`# TDL ${kind} '${name}' (line ${line})`);
    const text = heredocSafe(bytes);
    if (text !== undefined) {
      const d = this.delimiter('KILN_CMD', text);
      this.lines.push(`sh <<'${d}' ${fail}`, ...text.replace(/\n$/, '').split('\n'), d);
    } else {
      const d = this.delimiter('KILN_B64', '');
      this.lines.push(`base64 -d <<'${d}' | sh ${fail}`, ...base64Lines(bytes), d);
    }
  }
}

/** Edits doc in place; returns notes about TDL parts a kickstart cannot express. */
export async function applyTdlToKickstart(doc: KickstartDocument, tdl: Tdl, options: ApplyTdlOptions): Promise<string[]> {
  const notes: string[] = [];
  const v = options.version;
  const fetcher = options.fetch ?? fetch;
  const at = (line: number) => `${tdl.file}:${line}`;

  for (const r of tdl.repositories) {
    for (const old of findCommands(doc, 'repo').filter((c) => getOption(c, '--name') === r.name)) doc.nodes.splice(doc.nodes.indexOf(old), 1);
    const args = [`--name=${r.name}`, `--baseurl=${r.url}`];
    if (r.persisted && supports('repo', '--install', v)) args.push('--install');
    if (r.sslverify === false) args.push('--noverifyssl');
    addCommand(doc, 'repo', args, { file: tdl.file, line: r.line });
    if (r.signed) notes.push(`${at(r.line)}: repository '${r.name}': <signed> has no kickstart equivalent; package signatures follow the repository's own settings`);
  }

  if (tdl.packages.length) {
    const section = findSections(doc, '%packages').at(-1) ?? appendSection(doc, '%packages', [], []);
    const listed = new Set(findSections(doc, '%packages').flatMap((s) => s.body.map((b) => b.text.trim())));
    for (const p of tdl.packages) {
      if (!listed.has(p.name)) section.body.push({ text: p.name, loc: { file: tdl.file, line: p.line } });
      listed.add(p.name);
      for (const [what, val] of [['repository', p.repository], ['file', p.file], ['arguments', p.arguments]] as const) {
        if (val !== undefined) notes.push(`${at(p.line)}: package '${p.name}': <${what}> is ignored; %packages installs by name from the configured repositories`);
      }
    }
  }

  if (tdl.os.rootpw !== undefined) {
    setCommand(doc, 'rootpw', ['--plaintext', tdl.os.rootpw]).loc = { file: tdl.file, line: tdl.lines['os/rootpw'] ?? 1 };
  }
  if (tdl.os.key !== undefined) {
    const key = lookupCommand('key', v);
    if (key && specAvailable(key, v)) setCommand(doc, 'key', [tdl.os.key]);
    else notes.push(`${at(tdl.lines['os/key'] ?? 1)}: <os/key> is ignored: ${v.name} kickstarts take no installation key`);
  }

  const post = new PostWriter();
  for (const c of tdl.precommands) post.command('precommand', c.name, await contentBytes(c, fetcher), c.line);
  for (const f of tdl.files) post.file(f.name, await contentBytes(f, fetcher), f.line);
  for (const c of tdl.commands) post.command('command', c.name, await contentBytes(c, fetcher), c.line);
  if (tdl.precommands.length) notes.push(`${at(tdl.precommands[0]!.line)}: <precommands> run in %post, after %packages (a kickstart installs packages first)`);
  if (post.lines.length) {
    appendSection(doc, '%post', ['--erroronfail'], [`# kiln: files and commands of the TDL '${tdl.name}'`, ...post.lines], { file: tdl.file, line: 1 });
  }
  return notes;
}
