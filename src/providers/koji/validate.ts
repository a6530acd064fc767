/**
 * Checks Content Generator metadata before anything is sent. The hub checks some of it itself
 * (sizes, checksums, buildroot use, NVR) but answers other omissions — start_time, source, tools,
 * components, extra.image.arch — with a bare KeyError from inside the import; here every problem
 * is named with its path, all at once.
 */
import { KilnError } from '../../core/errors.js';
import type { CgMetadata } from './metadata.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const SHA256 = /^[0-9a-f]{64}$/;
const MD5 = /^[0-9a-f]{32}$/;
/** Koji's check_NVR: no whitespace anywhere, no '-' in version or release. */
const NVR_PART = /^[^\s/]+$/;

function checkBuild(b: unknown, out: string[]): void {
  if (!isObj(b)) return void out.push('build: missing');
  for (const k of ['name', 'version', 'release'] as const) {
    if (!isText(b[k]) || !NVR_PART.test(b[k])) out.push(`build.${k}: must be a non-empty string without spaces or slashes`);
  }
  for (const k of ['version', 'release'] as const) if (typeof b[k] === 'string' && b[k].includes('-')) out.push(`build.${k}: '${b[k]}' must not contain '-'`);
  if (!isText(b.source)) out.push('build.source: missing (what the build was made from)');
  for (const k of ['start_time', 'end_time'] as const) if (typeof b[k] !== 'number' || !Number.isFinite(b[k])) out.push(`build.${k}: must be a Unix time in seconds`);
  if (typeof b.start_time === 'number' && typeof b.end_time === 'number' && b.end_time < b.start_time) out.push('build.end_time: before start_time');
  if (b.build_id !== undefined && !isInt(b.build_id)) out.push('build.build_id: must be an integer');
  const extra = b.extra;
  if (!isObj(extra) || !isObj(extra.typeinfo) || !isObj(extra.typeinfo.image)) out.push('build.extra.typeinfo.image: missing (the build type)');
  else for (const legacy of ['image', 'maven', 'win']) if (legacy in extra) out.push(`build.extra.${legacy}: a legacy type key; use build.extra.typeinfo`);
}

function checkComponent(c: unknown, at: string, out: string[]): void {
  if (!isObj(c)) return void out.push(`${at}: must be an object`);
  if (c.type !== 'rpm') return void out.push(`${at}.type: '${String(c.type)}' (kiln sends rpm components only)`);
  for (const k of ['name', 'version', 'release', 'arch']) if (!isText(c[k])) out.push(`${at}.${k}: missing`);
  if (!(c.epoch === null || isInt(c.epoch))) out.push(`${at}.epoch: must be an integer or null`);
  if (!(c.sigmd5 === null || (typeof c.sigmd5 === 'string' && MD5.test(c.sigmd5)))) out.push(`${at}.sigmd5: must be 32 hex digits or null`);
  if (!('signature' in c) || !(c.signature === null || typeof c.signature === 'string')) out.push(`${at}.signature: must be a string or null`);
  if ('id' in c || 'location' in c) out.push(`${at}: 'id' and 'location' are refused by the hub`);
}

function checkBuildroots(brs: unknown, out: string[]): Set<number> {
  const ids = new Set<number>();
  if (!Array.isArray(brs) || brs.length === 0) {
    out.push('buildroots: at least one is needed');
    return ids;
  }
  brs.forEach((br: unknown, i) => {
    const at = `buildroots[${i}]`;
    if (!isObj(br)) return void out.push(`${at}: must be an object`);
    if (!isInt(br.id)) out.push(`${at}.id: must be an integer`);
    else if (ids.has(br.id)) out.push(`${at}.id: ${br.id} is used twice`);
    else ids.add(br.id);
    if (!isObj(br.host) || !isText(br.host.os) || !isText(br.host.arch)) out.push(`${at}.host: needs os and arch`);
    if (!isObj(br.content_generator) || !isText(br.content_generator.name) || !isText(br.content_generator.version)) out.push(`${at}.content_generator: needs name and version`);
    if (!isObj(br.container) || !isText(br.container.type) || !isText(br.container.arch)) out.push(`${at}.container: needs type and arch`);
    if (!Array.isArray(br.tools)) out.push(`${at}.tools: missing`);
    else br.tools.forEach((t: unknown, j) => (!isObj(t) || !isText(t.name) || !isText(t.version) ? out.push(`${at}.tools[${j}]: needs name and version`) : undefined));
    if (!Array.isArray(br.components)) out.push(`${at}.components: missing (may be empty)`);
    else br.components.forEach((c, j) => checkComponent(c, `${at}.components[${j}]`, out));
  });
  return ids;
}

function checkOutputs(outputs: unknown, buildroots: Set<number>, out: string[]): void {
  if (!Array.isArray(outputs) || outputs.length === 0) return void out.push('output: at least one file is needed');
  const used = new Set<number>();
  const names = new Set<string>();
  outputs.forEach((o: unknown, i) => {
    const at = `output[${i}]`;
    if (!isObj(o)) return void out.push(`${at}: must be an object`);
    if (!isInt(o.buildroot_id) || !buildroots.has(o.buildroot_id)) out.push(`${at}.buildroot_id: ${String(o.buildroot_id)} is not a buildroot of this build`);
    else used.add(o.buildroot_id);
    const name = o.filename;
    if (!isText(name) || name.includes('/') || name.startsWith('.')) out.push(`${at}.filename: must be a plain file name`);
    if (!isInt(o.filesize) || o.filesize < 0) out.push(`${at}.filesize: must be a size in bytes`);
    if (!isText(o.arch)) out.push(`${at}.arch: missing`);
    if (o.checksum_type !== 'sha256' || typeof o.checksum !== 'string' || !SHA256.test(o.checksum)) out.push(`${at}.checksum: must be a sha256 (64 hex digits) with checksum_type sha256`);
    if (o.type === 'log') {
      if (o.subdir !== undefined && (!isText(o.subdir) || o.subdir.split('/').some((p) => p === '..' || p === ''))) out.push(`${at}.subdir: must be a relative directory`);
    } else if (o.type === 'image') {
      const extra = o.extra;
      if (!isObj(extra) || !isObj(extra.image) || !isText(extra.image.arch)) out.push(`${at}.extra.image.arch: missing (an image archive's arch)`);
      if (Array.isArray(o.components)) o.components.forEach((c, j) => checkComponent(c, `${at}.components[${j}]`, out));
    } else out.push(`${at}.type: '${String(o.type)}' (image or log)`);
    const key = `${o.type === 'log' ? `log:${String(o.subdir ?? '')}` : 'archive'}/${String(name)}`;
    if (names.has(key)) out.push(`${at}.filename: ${String(name)} appears twice`);
    names.add(key);
  });
  for (const id of buildroots) if (!used.has(id)) out.push(`buildroots: id ${id} is not used by any output`);
}

/** Every problem, each with its path; empty when the metadata can be sent. */
export function metadataProblems(md: unknown): string[] {
  const out: string[] = [];
  if (!isObj(md)) return ['metadata: must be an object'];
  if (md.metadata_version !== 0) out.push(`metadata_version: must be 0 (got ${String(md.metadata_version)})`);
  checkBuild(md.build, out);
  const ids = checkBuildroots(md.buildroots, out);
  checkOutputs(md.output, ids, out);
  return out;
}

export function assertValidMetadata(md: CgMetadata): void {
  const problems = metadataProblems(md);
  if (problems.length > 0) {
    throw new KilnError('KOJI_METADATA_INVALID', `the Koji metadata for ${md.build?.name}-${md.build?.version}-${md.build?.release} is incomplete (${problems.length} problem${problems.length > 1 ? 's' : ''})`, {
      fault: 'kiln',
      details: problems,
      hint: 'Nothing was sent to the hub.',
    });
  }
}
