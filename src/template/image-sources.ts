/**
 * The three ways to say what to install, each turned into a kickstart document plus the image
 * facts it carries: a kickstart file, an Oz TDL (on its family's guest template), a guest
 * template. A user kickstart can be merged over the last two (it wins). Validation happens in
 * image-spec.ts, once, on whatever document comes out.
 */
import { basename, extname, resolve } from 'node:path';
import { KilnError, usageError } from '../core/errors.js';
import { errorsOf, formatDiagnostic, locateDiagnostic, type Diagnostic } from './kickstart/diagnostics.js';
import type { KickstartDocument } from './kickstart/document.js';
import { findCommands, getCommand, getOption } from './kickstart/edit.js';
import { flattenDocument, loadKickstartFile, type LoadOptions } from './kickstart/include.js';
import { mergeKickstarts } from './kickstart/merge.js';
import { parseKickstart } from './kickstart/parse.js';
import { declaredSyntax } from './kickstart/validate.js';
import { NEWEST_FEDORA, resolveSyntaxVersion, syntaxForRelease, type ResolvedVersion } from './kickstart/versions.js';
import { renderGuestTemplate } from './guest-templates.js';
import { readTdl } from './tdl/read.js';
import { applyTdlToKickstart } from './tdl/to-kickstart.js';
import type { Arch, Family, ImageSpec, ResolveImageSpecInput } from './image-spec-types.js';

/** What a source yields: everything of the spec but the parts image-spec.ts fills in. */
export interface SourceResult {
  facts: Omit<ImageSpec, 'syntax' | 'kickstart' | 'warnings'>;
  doc: KickstartDocument;
  syntax: ResolvedVersion;
  warnings: string[];
  /** Parse and include findings so far; validation adds its own. */
  diagnostics: Diagnostic[];
}

export interface SourceContext {
  input: ResolveImageSpecInput;
  arch?: Arch;
  diskSizeBytes?: number;
  loadOpts: LoadOptions;
}

const TEMPLATE_FOR: Record<Exclude<Family, 'debian'>, string> = { fedora: 'fedora-cloud', rhel: 'rhel-cloud', centos: 'centos-cloud' };

function tdlInvalid(diagnostics: Diagnostic[]): KilnError {
  const errors = errorsOf(diagnostics);
  return new KilnError('TDL_INVALID', `${errors[0]!.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, {
    fault: 'user',
    source: { file: errors[0]!.file, line: errors[0]!.line },
    details: diagnostics.map(formatDiagnostic),
    hint: "Fix the TDL; kiln reads Oz's TDL schema (oz/tdl.rng) plus Oz's own checks.",
  });
}

/** Merges the user's kickstart (if any) over a base; reports whether it set its own rootpw. */
async function overlay(ctx: SourceContext, doc: KickstartDocument, warnings: string[], diagnostics: Diagnostic[]): Promise<{ doc: KickstartDocument; ownRootpw: boolean }> {
  if (!ctx.input.kickstart) return { doc, ownRootpw: false };
  const loaded = await loadKickstartFile(ctx.input.kickstart, ctx.loadOpts);
  diagnostics.push(...loaded.diagnostics);
  const merged = mergeKickstarts(doc, loaded.flat);
  warnings.push(...merged.conflicts);
  return { doc: merged.doc, ownRootpw: findCommands(loaded.flat, 'rootpw').length > 0 };
}

export async function fromKickstart(ctx: SourceContext, path: string, text: string): Promise<SourceResult> {
  if (ctx.input.file && ctx.input.kickstart) throw usageError('two kickstarts given; merge one over a TDL or a --template instead');
  const parsed = parseKickstart(text, path);
  const flat = await flattenDocument(parsed.doc, resolve(ctx.input.cwd, path), ctx.loadOpts);
  const warnings: string[] = [];
  let syntax: ResolvedVersion;
  const declared = declaredSyntax(parsed.doc);
  if (ctx.input.syntax) syntax = resolveSyntaxVersion(ctx.input.syntax);
  else if (declared) syntax = resolveSyntaxVersion(declared);
  else {
    warnings.push(`no kickstart syntax given (--syntax or a '#version=' line); validating as ${NEWEST_FEDORA.name}`);
    syntax = { version: NEWEST_FEDORA };
  }
  const url = getCommand(flat.flat, 'url');
  const treeUrl = url ? getOption(url, '--url') : undefined;
  return {
    facts: {
      name: basename(path, extname(path)),
      family: syntax.version.family === 'F' ? 'fedora' : 'rhel',
      arch: ctx.arch,
      tree: ctx.input.tree ?? (typeof treeUrl === 'string' ? treeUrl : undefined),
      diskSizeBytes: ctx.diskSizeBytes,
      kernelParams: [],
      source: { kind: 'kickstart', path },
    },
    doc: flat.flat,
    syntax,
    warnings,
    diagnostics: [...parsed.diagnostics, ...flat.diagnostics],
  };
}

export async function fromTdl(ctx: SourceContext, path: string, text: string): Promise<SourceResult> {
  const { input } = ctx;
  const read = readTdl(text, path);
  if (errorsOf(read.diagnostics).length || !read.tdl) throw tdlInvalid(read.diagnostics);
  const tdl = read.tdl;
  const warnings = read.diagnostics.map(locateDiagnostic);
  const diagnostics: Diagnostic[] = [];
  if (tdl.os.family === 'debian') {
    throw new KilnError('TDL_UNSUPPORTED', `${tdl.os.name} ${tdl.os.version}: kiln has no Debian installer driver yet`, { fault: 'user', source: { file: path, line: tdl.lines['os/name'] } });
  }
  let tree = input.tree;
  if (tdl.install.type === 'iso') {
    if (!tree) {
      throw new KilnError('TDL_ISO_UNSUPPORTED', `<os/install type='iso'>: kiln installs from an install tree, not an ISO (${tdl.install.iso})`, {
        fault: 'user',
        source: { file: path, line: tdl.install.line },
        hint: "Give the tree with --tree, or use <install type='url'><url>…/os/</url></install>.",
      });
    }
    warnings.push(`${path}:${tdl.install.line}: the TDL's ISO install is ignored; installing from --tree ${tree}`);
  } else tree ??= tdl.install.url;
  if (ctx.arch && ctx.arch !== tdl.os.arch) warnings.push(`--arch ${ctx.arch} overrides the TDL's <os/arch> ${tdl.os.archAsWritten}`);
  const arch = ctx.arch ?? tdl.os.arch;
  const release = tdl.os.release;
  const syntax = input.syntax ? resolveSyntaxVersion(input.syntax) : syntaxForRelease(tdl.os.family, release)!;
  const templateName = TEMPLATE_FOR[tdl.os.family];
  const rendered = await renderGuestTemplate(templateName, { release, arch, variables: input.variables });
  warnings.push(...rendered.warnings);
  const base = parseKickstart(rendered.text, `${templateName}@${release}.ks`).doc;
  warnings.push(...(await applyTdlToKickstart(base, tdl, { version: syntax.version, fetch: input.fetch })));
  const merged = await overlay(ctx, base, warnings, diagnostics);
  return {
    facts: {
      name: tdl.name,
      version: tdl.os.version,
      description: tdl.description,
      family: tdl.os.family,
      release,
      arch,
      tree,
      diskSizeBytes: ctx.diskSizeBytes ?? tdl.diskSizeBytes,
      firmware: rendered.firmware,
      // The user's kickstart wins: with its own rootpw, the spec imposes no password.
      rootPassword: merged.ownRootpw ? undefined : tdl.os.rootpw,
      kernelParams: tdl.os.kernelparam?.split(/\s+/).filter(Boolean) ?? [],
      source: { kind: 'tdl', path },
      icicleExtraCommand: tdl.os.icicleExtraCommand,
    },
    doc: merged.doc,
    syntax,
    warnings,
    diagnostics,
  };
}

export async function fromTemplate(ctx: SourceContext, name: string): Promise<SourceResult> {
  const { input } = ctx;
  if (!input.release) throw usageError(`--template ${name} needs --release`, 'For example: --template fedora-cloud --release 19');
  const rendered = await renderGuestTemplate(name, { release: input.release, arch: ctx.arch, variables: input.variables });
  if (rendered.info.kind !== 'kickstart') {
    throw new KilnError('TEMPLATE_UNSUPPORTED', `guest template ${name} is a ${rendered.info.kind} for the Debian installer, which kiln cannot drive yet`, { usage: true, fault: 'user' });
  }
  const warnings = [...rendered.warnings];
  const diagnostics: Diagnostic[] = [];
  const family = rendered.info.family as Exclude<Family, 'debian'>;
  const syntax = input.syntax ? resolveSyntaxVersion(input.syntax) : syntaxForRelease(family, input.release)!;
  const base = parseKickstart(rendered.text, `${name}@${input.release}.ks`).doc;
  const merged = await overlay(ctx, base, warnings, diagnostics);
  return {
    facts: {
      name: `${name}-${input.release}`,
      version: input.release,
      description: rendered.info.description,
      family,
      release: input.release,
      arch: ctx.arch,
      tree: input.tree ?? (rendered.vars.tree_url || undefined),
      diskSizeBytes: ctx.diskSizeBytes,
      firmware: rendered.firmware,
      rootPassword: merged.ownRootpw ? undefined : rendered.vars.root_password || undefined,
      kernelParams: [],
      source: { kind: 'template', path: `guest-templates/${rendered.info.file}` },
    },
    doc: merged.doc,
    syntax,
    warnings,
    diagnostics,
  };
}
