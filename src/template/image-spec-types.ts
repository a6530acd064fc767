/** The shapes of what `kiln build` installs (image-spec.ts resolves them; image-sources.ts reads each kind of input). */
import type { Emit } from '../core/events.js';
import type { KickstartDocument } from './kickstart/document.js';
import type { Arch } from '../core/arch.js';

export type { Arch } from '../core/arch.js';
export type Family = 'fedora' | 'rhel' | 'centos' | 'debian';

export interface ImageSpec {
  name: string;
  version?: string;
  description?: string;
  family: Family;
  release?: string;
  /** The kickstart syntax version it was validated against ('F19', 'RHEL7'). */
  syntax: string;
  arch?: Arch;
  tree?: string;
  diskSizeBytes?: number;
  /** The firmware the install boots under, as the guest template asks for its release (absent: BIOS). */
  firmware?: 'bios' | 'uefi';
  rootPassword?: string;
  kernelParams: string[];
  /** Flattened (no %include left) and valid for `syntax`. */
  kickstart: KickstartDocument;
  source: { kind: 'kickstart' | 'tdl' | 'template'; path?: string };
  warnings: string[];
  icicleExtraCommand?: string;
}

export interface ResolveImageSpecInput {
  /** A kickstart or a TDL (.tdl/.xml), told apart by content. */
  file?: string;
  /** A kickstart merged over a TDL or template (it wins; conflicts are reported), or the kickstart itself. */
  kickstart?: string;
  template?: string;
  release?: string;
  syntax?: string;
  arch?: string;
  tree?: string;
  diskSize?: string;
  /** Guest template variables (see guest-templates/README.md), e.g. { liveimg_url: '…' }. */
  variables?: Record<string, string>;
  cwd: string;
  emit: Emit;
  /** For http(s) %include and TDL url contents; defaults to Node's fetch. */
  fetch?: typeof globalThis.fetch;
}

