/**
 * kiln's shipped guest templates (guest-templates/): one kickstart per family with the release as
 * a variable, and a Debian preseed. templates.json lists each template's file, family, the
 * releases it claims and its variables' defaults; README.md there documents the variables.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError, usageError } from '../core/errors.js';
import { PROJECT_ROOT } from '../core/version.js';
import { didYouMean } from './kickstart/diagnostics.js';
import { renderTemplate, TemplateError, type TemplateVars } from './template-engine.js';

export const GUEST_TEMPLATES_DIR = join(PROJECT_ROOT, 'guest-templates');

export interface GuestTemplateInfo {
  name: string;
  file: string;
  kind: 'kickstart' | 'preseed';
  family: 'fedora' | 'rhel' | 'centos' | 'debian';
  /** The releases the template claims, first and last (major numbers). */
  releases: [number, number];
  description: string;
  defaults: TemplateVars;
  codenames?: Record<string, string>;
}

export async function listGuestTemplates(dir = GUEST_TEMPLATES_DIR): Promise<GuestTemplateInfo[]> {
  const manifest = JSON.parse(await readFile(join(dir, 'templates.json'), 'utf8')) as Record<string, Omit<GuestTemplateInfo, 'name'>>;
  return Object.entries(manifest).map(([name, t]) => ({ name, ...t }));
}

export async function getGuestTemplate(name: string, dir = GUEST_TEMPLATES_DIR): Promise<GuestTemplateInfo> {
  const all = await listGuestTemplates(dir);
  const t = all.find((x) => x.name === name);
  if (!t) {
    throw new KilnError('TEMPLATE_UNKNOWN', `unknown guest template '${name}'${didYouMean(name, all.map((x) => x.name))}`, {
      usage: true,
      fault: 'user',
      hint: `Shipped templates: ${all.map((x) => x.name).join(', ')}.`,
    });
  }
  return t;
}

export interface RenderedTemplate {
  info: GuestTemplateInfo;
  text: string;
  /** Every variable the template saw (defaults, built-ins and the caller's). */
  vars: TemplateVars;
  warnings: string[];
}

export interface RenderTemplateOptions {
  release: string;
  arch?: 'x86_64' | 'i686';
  variables?: TemplateVars;
  dir?: string;
}

export async function renderGuestTemplate(name: string, options: RenderTemplateOptions): Promise<RenderedTemplate> {
  const dir = options.dir ?? GUEST_TEMPLATES_DIR;
  const info = await getGuestTemplate(name, dir);
  const warnings: string[] = [];
  const m = /^(\d+)(?:\.(\d+))?$/.exec(options.release.trim());
  if (!m) throw usageError(`--release '${options.release}' is not a release number`, `${name} takes releases ${info.releases[0]}…${info.releases[1]}.`);
  const major = Number(m[1]);
  if (major < info.releases[0]) {
    throw new KilnError('TEMPLATE_RELEASE', `guest template ${name} supports releases ${info.releases[0]}…${info.releases[1]}, not ${options.release}`, { usage: true, fault: 'user' });
  }
  if (major > info.releases[1]) warnings.push(`guest template ${name} was written for releases up to ${info.releases[1]}; rendering it for ${options.release}`);
  for (const key of Object.keys(options.variables ?? {})) {
    if (!(key in info.defaults)) {
      throw usageError(`guest template ${name} has no variable '${key}'${didYouMean(key, Object.keys(info.defaults))}`, `Its variables: ${Object.keys(info.defaults).join(', ')} (see guest-templates/README.md).`);
    }
  }
  const arch = options.arch ?? 'x86_64';
  const vars: TemplateVars = {
    ...info.defaults,
    ...options.variables,
    template: name,
    family: info.family,
    release: options.release.trim(),
    major: String(major),
    arch,
    basearch: arch === 'i686' ? 'i386' : arch,
    debian_arch: arch === 'i686' ? 'i386' : 'amd64',
    codename: info.codenames?.[String(major)] ?? '',
  };
  if (info.kind === 'preseed' && !vars.codename) {
    throw new KilnError('TEMPLATE_RELEASE', `guest template ${name} has no codename for release ${major}`, { usage: true, fault: 'user' });
  }
  const source = await readFile(join(dir, info.file), 'utf8');
  try {
    return { info, text: renderTemplate(source, vars), vars, warnings };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new KilnError('TEMPLATE_INVALID', `guest-templates/${info.file}:${error.line}: ${error.message}`, {
      fault: 'kiln',
      source: { file: `guest-templates/${info.file}`, line: error.line },
      cause: error,
    });
  }
}

