/**
 * The drop spec: a YAML file (read with the `yaml` package) saying what one drop builds. Every
 * mistake in it — YAML syntax, unknown keys, wrong types, duplicate names, unknown targets or
 * arches, a template kiln does not ship, a kickstart or TDL file that is not there — is found in
 * one pass, before any guest starts, and thrown as one KilnError DROP_SPEC_INVALID naming the file
 * and line of the first, with all of them in `details`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { KilnError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { DROP_ARCHES } from './arches.js';
import { readArchSubset, readImages } from './drop-spec-images.js';
import { readPublish, readTest } from './drop-spec-publish.js';
import { checkImageSources } from './drop-spec-sources.js';
import type { DropRelease, DropSpec, RegionCheck } from './drop-spec-types.js';
import { NAME_PART } from './image-names.js';
import { placeholdersIn, TREE_PLACEHOLDERS } from './placeholders.js';
import { RELEASE_TYPES, RELEASE_VERSION_RE } from './productmd-rules.js';
import { YamlReader, type Problem } from './yaml-reader.js';

export interface ParseDropSpecOptions {
  /** Where the guest templates are (tests); default: kiln's guest-templates/. */
  templatesDir?: string;
  /** Checks publish.ec2.regions (kiln passes the AWS provider's regionProblem; compose knows no regions). */
  regionProblem: RegionCheck;
}

const TOP_KEYS = { required: ['release', 'variant', 'arches', 'tree', 'images'], optional: ['publish', 'test'] } as const;

export async function loadDropSpec(path: string, options: ParseDropSpecOptions): Promise<DropSpec> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KilnError('DROP_SPEC_INVALID', `cannot read the drop spec: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`, {
      usage: true,
      fault: 'user',
      cause: error,
      source: { file },
    });
  }
  return parseDropSpec(text, file, options);
}

/** Parses and checks a drop spec; `file` names it in errors and anchors its relative paths. */
export async function parseDropSpec(text: string, file: string, options: ParseDropSpecOptions): Promise<DropSpec> {
  const path = resolve(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new YamlReader(doc, lines);
  for (const e of doc.errors) r.problem(r.lineAt(e.pos[0]), yamlMessage(e.code, e.message));
  const syntaxBroken = doc.errors.some((e) => e.code !== 'DUPLICATE_KEY');
  if (!syntaxBroken) {
    const spec = await readSpec(r, doc.contents as Node | null, path, options);
    if (spec && r.problems.length === 0) return { ...spec, sha256: sha256(text) };
  }
  throw specError(path, r.problems);
}

async function readSpec(r: YamlReader, root: Node | null, file: string, options: ParseDropSpecOptions): Promise<Omit<DropSpec, 'sha256'> | undefined> {
  if (root === null || root === undefined) {
    r.problem(1, 'the drop spec is empty; it needs release, variant, arches, tree and images');
    return undefined;
  }
  const f = r.map(root, 'the drop spec', TOP_KEYS);
  if (!f) return undefined;
  const release = f.has('release') ? readRelease(r, f.get('release')!) : undefined;
  const variant = f.has('variant') ? r.text(f.get('variant')!, 'variant', { pattern: /^[a-zA-Z0-9]+$/, expect: 'a productmd variant id (letters and digits)' }) : undefined;
  const arches = f.has('arches') ? readArchSubset(r, f.get('arches')!, 'arches', DROP_ARCHES) : undefined;
  const tree = f.has('tree') ? readTree(r, f.get('tree')!, dirname(file)) : undefined;
  const { images, complete, sources } = f.has('images')
    ? readImages(r, f.get('images')!, { dir: dirname(file), arches: arches ?? [...DROP_ARCHES], releaseShort: release?.short ?? '', variant: variant ?? '' })
    : { images: [], complete: false, sources: [] };
  const publish = f.has('publish') ? readPublish(r, f.get('publish')!, options.regionProblem) : {};
  const test = f.has('test') ? readTest(r, f.get('test')!) : 'boot';
  if (publish?.ec2 && complete && !images.some((i) => i.targets.includes('ec2'))) {
    r.problem(f.get('publish')!, 'publish.ec2 is set but no image has the ec2 target');
  }
  await checkImageSources(r, sources, { releaseVersion: release?.version, templatesDir: options.templatesDir });
  if (!release || !variant || !arches || !tree || !publish || !test) return undefined;
  return { file, release, variant, arches, tree, images, publish, test };
}

function readRelease(r: YamlReader, node: Node | null): DropRelease | undefined {
  const f = r.map(node, 'release', { required: ['name', 'short', 'version'], optional: ['type'] });
  if (!f) return undefined;
  const name = f.has('name') ? r.text(f.get('name')!, 'release.name') : undefined;
  const short = f.has('short') ? r.text(f.get('short')!, 'release.short', { pattern: NAME_PART, expect: 'a file name part (letters, digits, . _ + ~ -)' }) : undefined;
  let version = f.has('version') ? r.text(f.get('version')!, 'release.version', { pattern: /^[A-Za-z0-9][A-Za-z0-9._+~]*$/, expect: 'a release version (letters, digits, . _ + ~; no dashes)' }) : undefined;
  if (version !== undefined && !RELEASE_VERSION_RE.test(version)) {
    version = r.problem(f.get('version')!, `release.version '${version}' is not a productmd release version (19, 7.9, Rawhide)`);
  }
  let type: string | undefined = 'ga';
  if (f.has('type')) {
    type = r.text(f.get('type')!, 'release.type');
    if (type !== undefined && !RELEASE_TYPES.includes(type.toLowerCase())) {
      type = r.problem(f.get('type')!, `release.type '${type}' is not a productmd release type (${RELEASE_TYPES.join(', ')})`);
    }
  }
  if (!name || !short || !version || !type) return undefined;
  return { name, short, version, type: type.toLowerCase() };
}

function readTree(r: YamlReader, node: Node | null, dir: string): string | undefined {
  const tree = r.text(node, 'tree');
  if (tree === undefined) return undefined;
  const unknown = placeholdersIn(tree).filter((p) => !(TREE_PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length) return r.problem(node, `tree: unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')}; use {arch} or {basearch}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(tree)) return tree;
  return isAbsolute(tree) ? tree : resolve(dir, tree);
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'a key is given twice in the same mapping';
  if (code === 'MULTIPLE_DOCS') return 'the drop spec must be one YAML document (no ---  separating several)';
  return `YAML: ${message.split('\n')[0]}`;
}

function specError(file: string, problems: Problem[]): KilnError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const first = sorted[0] ?? { line: 1, message: 'invalid drop spec' };
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problem${sorted.length > 2 ? 's' : ''})` : '';
  return new KilnError('DROP_SPEC_INVALID', `${first.message}${more}`, {
    usage: true,
    fault: 'user',
    source: { file, line: first.line },
    details: sorted.map((p) => `${file}:${p.line}: ${p.message}`),
    hint: 'Every problem is listed above. A drop spec has release, variant, arches, tree and images, and may have publish and test.',
  });
}
