/**
 * Reads and validates an Oz TDL: well-formed XML, Oz's RELAX NG schema (schema.ts), then the
 * checks Oz's TDL.py makes in code (install type, one checksum, command positions, disk size
 * units, boolean values, base64 that decodes, no repository on localhost) and kiln's own
 * (architectures it can build, families it can install, duplicate names). Whatever Oz rejects,
 * kiln rejects (test/template/tdl/oz-probes.test.ts). Every finding names the element and its line.
 */
import { didYouMean, type Diagnostic } from '../kickstart/diagnostics.js';
import type { Tdl, TdlContentType, TdlInstall, TdlScript } from './model.js';
import { BOOL_FALSE, BOOL_TRUE, DISK_SIZE, isOzBase64, LOCALHOST, TDL_SCHEMA, TDL_SCHEMA_VERSION } from './schema.js';
import { parseXml, type XmlElement } from './xml.js';
import { parseDiskSize, parseOsName } from './os.js';

export interface TdlReadResult {
  tdl?: Tdl;
  diagnostics: Diagnostic[];
}

/** Oz's schema names the two x86 architectures kiln builds so, and only so. */
const ARCHES: Record<string, 'x86_64' | 'i686'> = { x86_64: 'x86_64', i386: 'i686' };
/** Other spellings people write, with the one Oz's schema takes. */
const MISSPELT: Record<string, string> = { i486: 'i386', i586: 'i386', i686: 'i386', amd64: 'x86_64', x64: 'x86_64' };
const OZ_ONLY_ARCHES = ['ppc64', 'ppc64le', 'aarch64', 'armv7l', 's390x'];

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  error(line: number, message: string): void {
    this.diagnostics.push({ severity: 'error', file: this.file, line, message });
  }

  warn(line: number, message: string): void {
    this.diagnostics.push({ severity: 'warning', file: this.file, line, message });
  }

  /** Checks an element and its subtree against the schema table. */
  schema(el: XmlElement, path: string): void {
    const rule = TDL_SCHEMA[path] ?? {};
    const shown = path.replace(/^template\/?/, '') || 'template';
    for (const [attr, value] of Object.entries(el.attrs)) {
      const a = rule.attrs?.[attr];
      if (!a) this.error(el.line, `<${shown}>: unknown attribute '${attr}'${didYouMean(attr, Object.keys(rule.attrs ?? {}))}`);
      else if (a.values && !a.values.includes(value)) this.error(el.line, `<${shown}>: ${attr}='${value}' must be one of ${a.values.join(', ')}`);
      else if (a.pattern && !a.pattern.test(value)) this.error(el.line, `<${shown}>: ${attr}='${value}' is not valid`);
    }
    for (const [attr, a] of Object.entries(rule.attrs ?? {})) {
      if (a.required && el.attrs[attr] === undefined) this.error(el.line, `<${shown}>: the '${attr}' attribute is required`);
    }
    if (rule.bool && ![...BOOL_TRUE, ...BOOL_FALSE].includes(el.text.toLowerCase())) {
      this.error(el.line, `<${shown}>: '${el.text}' is not true, false, yes or no${el.text.trim() !== el.text ? ' (Oz takes no blanks around it)' : ''}`);
    }
    if (!rule.children) {
      for (const c of el.children) this.error(c.line, `<${shown}> holds text only; unexpected element <${c.name}>`);
      return;
    }
    const counts = new Map<string, number>();
    for (const c of el.children) {
      const allowed = rule.children[c.name];
      if (!allowed) {
        this.error(c.line, `unexpected element <${c.name}> in <${shown}>${didYouMean(c.name, Object.keys(rule.children))}`);
        continue;
      }
      const n = (counts.get(c.name) ?? 0) + 1;
      counts.set(c.name, n);
      if (n === allowed[1] + 1) this.error(c.line, `<${shown}> may hold only ${allowed[1]} <${c.name}>; this is another one`);
      this.schema(c, `${path}/${c.name}`);
    }
    for (const [name, [min]] of Object.entries(rule.children)) {
      if ((counts.get(name) ?? 0) < min) this.error(el.line, `<${shown}> is missing <${name}>`);
    }
    if (rule.minChildren && el.children.length < rule.minChildren) {
      this.error(el.line, `<${shown}> must hold at least one of ${Object.keys(rule.children).map((c) => `<${c}>`).join(', ')}`);
    }
  }
}

const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
const children = (el: XmlElement | undefined, name: string) => el?.children.filter((c) => c.name === name) ?? [];
const text = (el: XmlElement | undefined) => (el ? el.text.trim() : undefined);

function scripts(r: Reader, parent: XmlElement | undefined, what: string): TdlScript[] {
  const list = children(parent, 'command').map((c) => ({
    name: c.attrs.name ?? '',
    type: (c.attrs.type ?? 'raw') as TdlContentType,
    content: c.text.trim(),
    line: c.line,
    position: c.attrs.position !== undefined && c.attrs.position !== '' ? Number(c.attrs.position) : undefined,
  }));
  for (const s of list) if (!s.content) r.error(s.line, `<${what}/command name='${s.name}'>: empty commands are not allowed`);
  for (const c of children(parent, 'command')) {
    if (c.attrs.type === 'base64' && c.text.trim() && !isOzBase64(c.text)) r.error(c.line, `<${what}/command name='${c.attrs.name ?? ''}'>: ${base64Problem(c.text)}`);
  }
  const positioned = list.filter((s) => s.position !== undefined);
  if (positioned.length && positioned.length !== list.length) {
    r.error((list.find((s) => s.position === undefined) ?? list[0]!).line, `<${what}>: give every command a position (explicit order) or none (document order)`);
  } else if (positioned.length) {
    const sorted = [...list].sort((a, b) => a.position! - b.position!);
    sorted.forEach((s, i) => {
      if (s.position !== i + 1) r.error(s.line, `<${what}>: positions must run 1, 2, 3 … without gaps or duplicates; found ${s.position} where ${i + 1} was expected`);
    });
    return sorted.map(({ position: _p, ...s }) => s);
  }
  return list.map(({ position: _p, ...s }) => s);
}

/** Why text is not base64 as Oz takes it. */
function base64Problem(text: string): string {
  if (text.trim() !== text || /\s/.test(text)) return 'base64 content must be written without blanks or line breaks around or inside it (Oz\'s schema)';
  if (!/^[a-zA-Z0-9+/]+={0,2}$/.test(text)) return 'content is not base64 (A–Z, a–z, 0–9, +, / and = padding)';
  return 'content is not base64: its length does not fit the = padding, so it cannot be decoded';
}

function install(r: Reader, el: XmlElement): TdlInstall {
  const type = el.attrs.type;
  const extras = [...children(child(el, 'extras'), 'file'), ...children(child(el, 'extras'), 'directory')].map((e) => ({
    kind: e.name as 'file' | 'directory',
    source: e.attrs.source ?? '',
    destination: e.attrs.destination ?? '',
  }));
  if (type === 'iso') {
    if (!child(el, 'iso')) r.error(el.line, "<os/install type='iso'> needs <iso>");
    const url = child(el, 'url');
    if (url) r.error(url.line, "<os/install type='iso'>: <url> belongs to type='url'");
    const sums = (['md5', 'sha1', 'sha256'] as const).filter((s) => child(el, `${s}sum`));
    if (sums.length > 1) r.error(el.line, '<os/install>: only one of <md5sum>, <sha1sum> and <sha256sum> may be given');
    const algorithm = sums[0];
    return { type: 'iso', iso: text(child(el, 'iso')) ?? '', checksum: algorithm ? { algorithm, value: text(child(el, `${algorithm}sum`))! } : undefined, extras, line: el.line };
  }
  if (type === 'url') {
    if (!child(el, 'url')) r.error(el.line, "<os/install type='url'> needs <url>");
    for (const other of ['iso', 'md5sum', 'sha1sum', 'sha256sum', 'extras']) {
      const c = child(el, other);
      if (c) r.error(c.line, `<os/install type='url'>: <${other}> belongs to type='iso'`);
    }
  }
  return { type: 'url', url: text(child(el, 'url')) ?? '', line: el.line };
}

function bool(el: XmlElement | undefined, fallback: boolean): boolean {
  const t = text(el)?.toLowerCase();
  return t === undefined ? fallback : BOOL_TRUE.includes(t);
}

export function readTdl(source: string, file: string): TdlReadResult {
  const r = new Reader(file);
  const xml = parseXml(source);
  if ('error' in xml) {
    r.error(xml.error.line, `not well-formed XML: ${xml.error.message}`);
    return { diagnostics: r.diagnostics };
  }
  const root = xml.root;
  if (root.name !== 'template') {
    r.error(root.line, `the root element is <${root.name}>; a TDL starts with <template>`);
    return { diagnostics: r.diagnostics };
  }
  r.schema(root, 'template');
  const version = root.attrs.version;
  if (version !== undefined && version !== TDL_SCHEMA_VERSION) {
    r.error(root.line, `<template version='${version}'>: Oz's schema (and kiln) know only version ${TDL_SCHEMA_VERSION}`);
  }
  const os = child(root, 'os');
  const lines: Record<string, number> = {};
  for (const el of os?.children ?? []) lines[`os/${el.name}`] = el.line;

  const archEl = child(os, 'arch');
  // As written: Oz's schema takes no blanks around it.
  const archText = archEl?.text ?? '';
  const arch = ARCHES[archText];
  if (archEl && !arch) {
    const trimmed = archText.trim();
    r.error(archEl.line, OZ_ONLY_ARCHES.includes(trimmed)
      ? `<os/arch>: kiln builds x86_64 and i686 (i386) guests, not ${trimmed}`
      : ARCHES[trimmed] ? `<os/arch>: '${archText}' has blanks around it; Oz's schema takes exactly '${trimmed}'`
      : MISSPELT[trimmed] ? `<os/arch>: Oz's schema spells it '${MISSPELT[trimmed]}', not '${trimmed}'`
      : `<os/arch>: unknown architecture '${trimmed}' (expected x86_64 or i386)${didYouMean(trimmed, Object.keys(ARCHES))}`);
  }

  const osName = parseOsName(text(child(os, 'name')) ?? '', text(child(os, 'version')) ?? '');
  if (os && child(os, 'name') && 'error' in osName) r.error(child(os, 'name')!.line, `<os/name>: ${osName.error}`);

  const packages = children(child(root, 'packages'), 'package').map((p) => ({
    name: p.attrs.name ?? '',
    repository: text(child(p, 'repository')),
    file: text(child(p, 'file')),
    arguments: text(child(p, 'arguments')),
    line: p.line,
  }));
  const repositories = children(child(root, 'repositories'), 'repository').map((e) => ({
    name: e.attrs.name ?? '',
    url: text(child(e, 'url')) ?? '',
    signed: bool(child(e, 'signed'), false),
    persisted: bool(child(e, 'persisted'), true),
    sslverify: child(e, 'sslverify') ? bool(child(e, 'sslverify'), false) : undefined,
    line: e.line,
  }));
  const fileEls = children(child(root, 'files'), 'file');
  const files = fileEls.map((f) => ({ name: f.attrs.name ?? '', type: (f.attrs.type ?? 'raw') as TdlContentType, content: f.text.trim(), line: f.line }));
  fileEls.forEach((el, i) => {
    const f = files[i]!;
    // Oz's schema allows an empty base64 file (an empty file), not blanks around the data.
    if (f.type === 'base64' && el.text !== '' && !isOzBase64(el.text)) r.error(f.line, `<files/file name='${f.name}'>: ${base64Problem(el.text)}`);
    if (f.type === 'url' && !f.content) r.error(f.line, `<files/file name='${f.name}' type='url'>: the URL is missing`);
  });
  const dupes = <T extends { name: string; line: number }>(list: T[], what: string, severity: 'error' | 'warning') => {
    const seen = new Map<string, number>();
    for (const it of list) {
      if (seen.has(it.name)) (severity === 'error' ? r.error : r.warn).call(r, it.line, `${what} '${it.name}' is defined twice (first on line ${seen.get(it.name)})`);
      else seen.set(it.name, it.line);
    }
  };
  for (const repo of repositories) {
    const host = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(repo.url)?.[1];
    if (host !== undefined && LOCALHOST.includes(host)) {
      r.error(repo.line, `<repositories/repository name='${repo.name}'>: Oz refuses a repository on ${host}, which the guest cannot reach; give an address of this host the guest can reach (e.g. 10.0.2.2 for user networking)`);
    }
  }
  dupes(repositories, '<repositories/repository>', 'error');
  dupes(files, '<files/file>', 'error');
  dupes(packages, '<packages/package>', 'warning');

  const diskEl = child(child(root, 'disk'), 'size');
  let diskSizeBytes: number | undefined;
  // An empty <size/> is no size at all, for Oz as for kiln: the default applies.
  if (diskEl && diskEl.text !== '') {
    lines['disk/size'] = diskEl.line;
    const size = DISK_SIZE.test(diskEl.text) ? parseDiskSize(diskEl.text) : undefined;
    if (size === undefined) r.error(diskEl.line, `<disk/size>: '${diskEl.text}' is not a size; use an integer with an optional unit (10G, 16GiB, 10TB), no blanks around it`);
    diskSizeBytes = size;
  }

  const commands = scripts(r, child(root, 'commands'), 'commands');
  const precommands = scripts(r, child(root, 'precommands'), 'precommands');
  const installEl = child(os, 'install');
  const inst = installEl ? install(r, installEl) : undefined;
  if (r.diagnostics.some((d) => d.severity === 'error') || !os || !inst || !arch || 'error' in osName) return { diagnostics: r.diagnostics };

  const icicle = text(child(child(os, 'icicle'), 'extra_command'));
  const tdl: Tdl = {
    file,
    schemaVersion: version,
    name: text(child(root, 'name'))!,
    description: text(child(root, 'description')),
    os: {
      name: text(child(os, 'name'))!,
      version: text(child(os, 'version'))!,
      family: osName.family,
      release: osName.release,
      arch,
      archAsWritten: archText,
      rootpw: text(child(os, 'rootpw')),
      key: text(child(os, 'key')),
      kernelparam: text(child(os, 'kernelparam')),
      icicleExtraCommand: icicle,
    },
    install: inst,
    packages,
    repositories,
    files,
    commands,
    precommands,
    diskSizeBytes,
    lines,
  };
  return { tdl, diagnostics: r.diagnostics };
}
