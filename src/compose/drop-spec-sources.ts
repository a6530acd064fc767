/**
 * Checks of what each image installs from, before any guest starts: a template must be one kiln
 * ships, for this release, with only the variables it has; a kickstart or TDL file must exist.
 * (Their contents are validated when the pipeline resolves each image, still before any guest.)
 */
import { stat } from 'node:fs/promises';
import { listGuestTemplates, type GuestTemplateInfo } from '../template/guest-templates.js';
import { didYouMean } from '../template/kickstart/diagnostics.js';
import type { SourceCheck } from './drop-spec-images.js';
import type { YamlReader } from './yaml-reader.js';

export interface SourcesContext {
  releaseVersion?: string;
  /** Where the guest templates are (tests); default: kiln's guest-templates/. */
  templatesDir?: string;
}

export async function checkImageSources(r: YamlReader, checks: SourceCheck[], ctx: SourcesContext): Promise<void> {
  let templates: GuestTemplateInfo[] | undefined;
  for (const check of checks) {
    const { source } = check;
    if (source.kind === 'template') {
      templates ??= await listGuestTemplates(ctx.templatesDir);
      checkTemplate(r, check, source.template, templates, ctx.releaseVersion);
    } else {
      const why = await fileProblem(source.path);
      if (why) r.problem(check.sourceNode, `${check.at}: ${source.kind} ${source.path} ${why}`);
    }
  }
}

function checkTemplate(r: YamlReader, check: SourceCheck, name: string, all: GuestTemplateInfo[], releaseVersion?: string): void {
  const { at, sourceNode } = check;
  const info = all.find((t) => t.name === name);
  if (!info) {
    r.problem(sourceNode, `${at}: unknown guest template '${name}'${didYouMean(name, all.map((t) => t.name))}; shipped: ${all.map((t) => t.name).join(', ')}`);
    return;
  }
  if (info.kind !== 'kickstart') r.problem(sourceNode, `${at}: guest template '${name}' is a ${info.kind}, not a kickstart; drops install with Anaconda`);
  for (const [key, node] of check.varNodes) {
    if (!(key in info.defaults)) r.problem(node, `${at}: guest template ${name} has no variable '${key}'${didYouMean(key, Object.keys(info.defaults))}`);
  }
  if (releaseVersion === undefined) return;
  const m = /^(\d+)(?:\.\d+)?$/.exec(releaseVersion);
  if (!m) r.problem(sourceNode, `${at}: guest template ${name} needs a numeric release version, not '${releaseVersion}'`);
  else if (Number(m[1]) < info.releases[0]) {
    r.problem(sourceNode, `${at}: guest template ${name} supports releases ${info.releases[0]}…${info.releases[1]}, not ${releaseVersion}`);
  }
}

async function fileProblem(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? undefined : 'is not a file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`;
  }
}
