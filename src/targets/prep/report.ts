/**
 * The prep script's findings ("key<TAB>value" lines on the report disk) and the checks kiln makes
 * on them: errors in the guest, drivers missing from the initramfs, a kernel command line that did
 * not reach the boot menu.
 */
import { KilnError } from '../../core/errors.js';
import { warn, type Emit } from '../../core/events.js';
import { REPORT_BEGIN, REPORT_END } from './script.js';
import type { PrepSpec } from './spec.js';

export interface PrepReport {
  cloudInit?: boolean;
  /** The image's default cloud user (cloud-init's merged system_info.default_user), if any. */
  cloudUser?: string;
  sshd?: boolean;
  /** How the guest makes new SSH host keys at first boot (a unit it has, or kiln's drop-in). */
  sshKeygen?: string;
  /** The script emptied /etc/machine-id (after virt-sysprep's customize step refilled it). */
  machineIdEmptied: boolean;
  /** GRUB_CMDLINE_LINUX as written. */
  grubDefault?: string;
  grubTool?: string;
  grubConfigs: string[];
  /** `linux …` lines of the regenerated grub.cfg. */
  entries: string[];
  /** `options …` lines of Boot Loader Specification entries. */
  blsEntries: string[];
  bios: boolean;
  efi: boolean;
  kernel?: string;
  initramfs?: string;
  initramfsTool?: string;
  /** Required modules found in the initramfs (normalised names). */
  modules: string[];
  /** Required modules built into the kernel (normalised names). */
  builtin: string[];
  errors: string[];
  warnings: string[];
}

/** `xen-blkfront.ko.xz` → `xen_blkfront` (the kernel treats '-' and '_' alike). */
export function normalizeModule(name: string): string {
  return name.replace(/\.ko(\.(xz|zst|gz|bz2))?$/, '').replace(/-/g, '_');
}

export function parseReport(text: string): PrepReport {
  const begin = text.indexOf(REPORT_BEGIN);
  const end = text.indexOf(REPORT_END, begin);
  if (begin < 0 || end < 0) {
    throw new KilnError('TARGET_PREP_NO_REPORT', 'cloud prep ran but left no report', {
      fault: 'kiln',
      hint: 'Run again with --verbose to see the libguestfs output.',
    });
  }
  const r: PrepReport = { grubConfigs: [], entries: [], blsEntries: [], bios: false, efi: false, machineIdEmptied: false, modules: [], builtin: [], errors: [], warnings: [] };
  for (const line of text.slice(begin + REPORT_BEGIN.length, end).split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const key = line.slice(0, tab);
    const value = line.slice(tab + 1);
    switch (key) {
      case 'cloud-init': r.cloudInit = value === 'yes'; break;
      case 'cloud-user': r.cloudUser = value; break;
      case 'sshd': r.sshd = value === 'yes'; break;
      case 'ssh-keygen': r.sshKeygen = value; break;
      case 'grub-default': r.grubDefault = value; break;
      case 'grub-tool': r.grubTool = value; break;
      case 'grub-cfg': r.grubConfigs.push(value); break;
      case 'entry': r.entries.push(value); break;
      case 'bls-entry': r.blsEntries.push(value); break;
      case 'machine-id': r.machineIdEmptied = value === 'emptied'; break;
      case 'bios': r.bios = true; break;
      case 'efi': r.efi = true; break;
      case 'kernel': r.kernel = value; break;
      case 'initramfs': r.initramfs = value; break;
      case 'initramfs-tool': r.initramfsTool = value; break;
      case 'module': r.modules.push(normalizeModule(value)); break;
      case 'builtin': r.builtin.push(normalizeModule(value)); break;
      case 'error': r.errors.push(value); break;
      case 'warning': r.warnings.push(value); break;
      default: break;
    }
  }
  return r;
}

export function missingModules(spec: PrepSpec, report: PrepReport): string[] {
  const present = new Set([...report.modules, ...report.builtin]);
  return spec.requiredModules.filter((m) => !present.has(normalizeModule(m)));
}

/** Boot entries that lack one of the arguments the spec added. */
export function entriesMissingArgs(spec: PrepSpec, report: PrepReport): string[] {
  return [...report.entries, ...report.blsEntries].filter((line) => {
    const words = new Set(line.split(/\s+/));
    return spec.cmdlineAdd.some((a) => !words.has(a));
  });
}

/** Throws the first problem that makes the image unusable; emits warnings for the rest. */
export function checkReport(spec: PrepSpec, report: PrepReport, emit: Emit): void {
  for (const w of report.warnings) warn(emit, `cloud prep (${spec.label}): ${w}`, 'TARGET_PREP_WARNING');
  if (report.errors.length > 0) {
    throw new KilnError('TARGET_PREP_FAILED', `cloud prep (${spec.label}) failed inside the guest: ${report.errors[0]}`, {
      details: report.errors.slice(1),
      hint: 'The guest needs grub (update-grub or grub2-mkconfig) and its initramfs tools; see the messages above.',
    });
  }
  const missing = missingModules(spec, report);
  if (missing.length > 0) {
    const found = spec.requiredModules.filter((m) => !missing.includes(m));
    throw new KilnError(
      'TARGET_MISSING_DRIVERS',
      `the initramfs ${report.initramfs ?? '?'} (kernel ${report.kernel ?? '?'}) lacks ${missing.join(', ')}, needed by the ${spec.label} target`,
      {
        fault: 'user',
        details: [`required: ${spec.requiredModules.join(', ')}`, `found: ${found.length ? found.join(', ') : 'none'}`],
        hint:
          'Add the drivers to the initramfs in the kickstart %post: Fedora-family `echo \'add_drivers+=" ' +
          missing.join(' ') +
          ' "\' > /etc/dracut.conf.d/ec2.conf && dracut -f --regenerate-all`; Debian-family list them in ' +
          '/etc/initramfs-tools/modules and run update-initramfs -u -k all.',
      },
    );
  }
  if (spec.cmdlineAdd.length > 0) {
    if (report.entries.length + report.blsEntries.length === 0) {
      throw new KilnError('TARGET_CMDLINE_NOT_APPLIED', `cloud prep (${spec.label}): the regenerated boot menu has no kernel entries`, {
        details: report.grubConfigs.map((c) => `looked in ${c}`),
        hint: 'Is a kernel installed in the base image?',
      });
    }
    const bad = entriesMissingArgs(spec, report);
    if (bad.length > 0) {
      throw new KilnError('TARGET_CMDLINE_NOT_APPLIED', `cloud prep (${spec.label}): ${bad.length} boot entries lack ${spec.cmdlineAdd.join(' ')}`, {
        details: bad.slice(0, 5),
        hint: 'A file in /etc/default/grub.d/ may override GRUB_CMDLINE_LINUX in the base image.',
      });
    }
  }
  if (spec.datasources && report.cloudInit === false) {
    warn(emit, `cloud prep (${spec.label}): the guest has no cloud-init (/etc/cloud): datasources not set`, 'TARGET_NO_CLOUD_INIT');
  }
  if (spec.sshPasswordOff && report.sshd === false) {
    warn(emit, `cloud prep (${spec.label}): the guest has no /etc/ssh/sshd_config: nothing to lock down`, 'TARGET_NO_SSHD');
  }
}
