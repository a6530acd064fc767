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

/**
 * How the disk boots: `bios` (msdos label, GRUB for BIOS), `hybrid` (GPT with a BIOS boot
 * partition and an EFI system partition, GRUB for both: Fedora's cloud images since 35), `uefi`
 * (GPT with an EFI system partition only).
 */
export type BootLayout = 'bios' | 'hybrid' | 'uefi';
export const BOOT_LAYOUTS: readonly BootLayout[] = ['bios', 'hybrid', 'uefi'];

/**
 * The firmware an install of each layout boots under, as the distribution builds it: Fedora's
 * hybrid cloud images are installed under UEFI, and their kickstart adds GRUB for BIOS after.
 */
export const LAYOUT_FIRMWARE: Record<BootLayout, 'bios' | 'uefi'> = { bios: 'bios', hybrid: 'uefi', uefi: 'uefi' };

export interface GuestTemplateInfo {
  name: string;
  file: string;
  kind: 'kickstart' | 'preseed';
  family: 'fedora' | 'rhel' | 'centos' | 'debian';
  /** The releases the template claims, first and last (major numbers). */
  releases: [number, number];
  /**
   * Templates with a `boot_layout` variable: per arch, from which release on which layout is the
   * default (the row with the highest `from` not above the release). An arch without rows, or
   * whose rows are all `bios`, boots BIOS only.
   */
  boot?: Partial<Record<'x86_64' | 'i686', { from: number; layout: BootLayout }[]>>;
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
  /** The firmware the install should boot under, for templates with a boot layout. */
  firmware?: 'bios' | 'uefi';
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
  const layout = info.boot ? bootLayout(info, major, arch, options.variables?.boot_layout, warnings) : undefined;
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
    ...(layout ? { boot_layout: layout } : {}),
  };
  if (info.kind === 'preseed' && !vars.codename) {
    throw new KilnError('TEMPLATE_RELEASE', `guest template ${name} has no codename for release ${major}`, { usage: true, fault: 'user' });
  }
  const source = await readFile(join(dir, info.file), 'utf8');
  try {
    return { info, text: renderTemplate(source, vars), vars, firmware: layout ? LAYOUT_FIRMWARE[layout] : undefined, warnings };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new KilnError('TEMPLATE_INVALID', `guest-templates/${info.file}:${error.line}: ${error.message}`, {
      fault: 'kiln',
      source: { file: `guest-templates/${info.file}`, line: error.line },
      cause: error,
    });
  }
}


/**
 * The boot layout: the one asked for (checked against what the arch can boot), else the release's.
 * `hybrid` means "every firmware the arch boots", so on a BIOS-only arch it is `bios`, with a
 * warning: one drop spec line then makes x86_64 hybrid and i686 BIOS, as Fedora's composes do.
 */
function bootLayout(info: GuestTemplateInfo, major: number, arch: 'x86_64' | 'i686', asked: string | undefined, warnings: string[]): BootLayout {
  const rows = [...(info.boot?.[arch] ?? [])].sort((a, b) => a.from - b.from);
  const byRelease = [...rows].reverse().find((r) => r.from <= major)?.layout ?? 'bios';
  if (asked === undefined || asked === '') return byRelease;
  if (!BOOT_LAYOUTS.includes(asked as BootLayout)) {
    throw usageError(`guest template ${info.name}: boot_layout '${asked}' is not one of ${BOOT_LAYOUTS.join(', ')}`, 'Leave it empty for the release\'s own layout (see guest-templates/README.md).');
  }
  const biosOnly = !rows.some((r) => r.layout !== 'bios');
  if (asked === 'hybrid' && biosOnly) {
    warnings.push(`guest template ${info.name}: boot_layout hybrid is bios for ${arch} (${arch} images boot with BIOS only)`);
    return 'bios';
  }
  if (asked !== 'bios' && biosOnly) {
    throw usageError(`guest template ${info.name}: boot_layout '${asked}' is not for ${arch}: ${arch} images boot with BIOS only`, 'kiln installs and boots 32-bit guests with SeaBIOS.');
  }
  return asked as BootLayout;
}
