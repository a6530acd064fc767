/**
 * Renders the guest-side prep script: the settings of a PrepSpec as shell variables, followed by
 * guest-script.sh (shipped beside this file, found from the project root so the built CLI finds
 * it too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../core/version.js';
import type { PrepSpec } from './spec.js';

export const GUEST_SCRIPT_PATH = join(PROJECT_ROOT, 'src', 'targets', 'prep', 'guest-script.sh');

/** Written in the report disk's first sector before the launch; the script looks for it. */
export const REPORT_MARKER = 'KILN-PREP-REPORT-DISK';
export const REPORT_BEGIN = '#kiln-prep-report-begin';
export const REPORT_END = '#kiln-prep-report-end';

/** Single-quotes a value for sh. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An ERE matching a module name whether the kernel spells it with '-' or '_'. */
export function modulesRegex(modules: string[]): string {
  return modules.map((m) => m.replace(/[.+*?^$()[\]{}|\\]/g, '\\$&').replace(/[-_]/g, '[-_]')).join('|');
}

/** The cloud-init drop-in (YAML) a spec asks for, or '' when cloud-init is left alone. */
export function cloudInitConfig(spec: PrepSpec): string {
  if (!spec.datasources && !spec.cloudInitExtra?.length) return '';
  const lines = ['# Written by kiln: the cloud-init settings of this image.'];
  if (spec.datasources) lines.push(`datasource_list: [ ${spec.datasources.join(', ')} ]`);
  lines.push(...(spec.cloudInitExtra ?? []));
  return lines.join('\n');
}

export function renderPrepScript(spec: PrepSpec): string {
  const vars: [string, string][] = [
    ['KILN_ADD', spec.cmdlineAdd.join(' ')],
    ['KILN_REMOVE', spec.cmdlineRemove.join(' ')],
    ['KILN_CLOUD_CFG', cloudInitConfig(spec)],
    ['KILN_SSH_PASSWORD_OFF', spec.sshPasswordOff ? '1' : '0'],
    ['KILN_GRUB_TIMEOUT', spec.grubTimeout === undefined ? '' : String(spec.grubTimeout)],
    ['KILN_GRUB_SERIAL', spec.grubSerial ? '1' : '0'],
    ['KILN_MODULES', spec.requiredModules.join(' ')],
    ['KILN_MODULES_RE', modulesRegex(spec.requiredModules)],
    ['KILN_MARKER', REPORT_MARKER],
    ['KILN_REPORT_BEGIN', REPORT_BEGIN],
    ['KILN_REPORT_END', REPORT_END],
  ];
  const header = ['#!/bin/sh', `# kiln cloud prep '${spec.label}' (generated)`, ...vars.map(([k, v]) => `${k}=${shQuote(v)}`)];
  return `${header.join('\n')}\n${readFileSync(GUEST_SCRIPT_PATH, 'utf8')}`;
}
