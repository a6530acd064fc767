/**
 * What cloud prep does to a guest, as data. Targets return a PrepSpec; equal specs (same key)
 * share one prepared overlay, so one libguestfs launch serves all of them.
 */
import { stableStringify } from '../../core/hash.js';

export interface PrepSpec {
  /** A short name for events and file names ('ec2', 'cloud'). */
  label: string;
  /** cloud-init `datasource_list`; undefined leaves the guest's choice alone. */
  datasources?: string[];
  /** Extra cloud-init settings written with the datasources (YAML lines, e.g. 'ssh_pwauth: false'). */
  cloudInitExtra?: string[];
  /** Kernel arguments set through /etc/default/grub (GRUB_CMDLINE_LINUX), in order. */
  cmdlineAdd: string[];
  /**
   * Kernel arguments removed first (from GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT): a
   * word ending in '=' removes that argument whatever its value ('console=').
   */
  cmdlineRemove: string[];
  /** GRUB menu timeout in seconds. */
  grubTimeout?: number;
  /** GRUB's own menu on the serial port as well as the screen. */
  grubSerial?: boolean;
  /** Lock the root account and disable its password. */
  lockRoot: boolean;
  /** Turn sshd's PasswordAuthentication off. */
  sshPasswordOff: boolean;
  /** Drivers that must be in the default kernel's initramfs (or built into the kernel). */
  requiredModules: string[];
}

/** Two specs with the same key produce identical guests. */
export function prepKey(spec: PrepSpec): string {
  const { label: _label, ...rest } = spec;
  return stableStringify(rest);
}

/** The serial console every cloud and appliance image gets (login prompt on ttyS0). */
export const SERIAL_CONSOLE = ['console=tty0', 'console=ttyS0,115200n8'];

/** Arguments that hide the console or fight the serial console; removed by every prep. */
export const CMDLINE_NOISE = ['console=', 'quiet', 'rhgb', 'splash'];

/**
 * The prep shared by openstack, raw-tar-xz, raw-xz and appliance (one launch for all four): a
 * generic cloud image, found by cloud-init on OpenStack (a config drive or the metadata service)
 * and wherever a NoCloud seed (a disk labelled cidata) is attached — a local boot, a boot test, an
 * appliance host. `None` keeps a boot with no datasource from waiting.
 */
export function genericCloudPrep(): PrepSpec {
  return {
    label: 'cloud',
    datasources: ['NoCloud', 'ConfigDrive', 'OpenStack', 'None'],
    cmdlineAdd: [...SERIAL_CONSOLE],
    cmdlineRemove: [...CMDLINE_NOISE],
    grubTimeout: 1,
    grubSerial: true,
    lockRoot: false,
    sshPasswordOff: false,
    requiredModules: [],
  };
}
