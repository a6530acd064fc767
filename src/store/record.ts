/** The build record kept beside every base image (record.json). */
import type { BootFacts } from '../image/boot-firmware.js';

import type { Arch } from '../core/arch.js';

export type { Arch } from '../core/arch.js';

export interface InputHash {
  /** What the input is: 'kickstart', 'treeinfo', 'kernel', 'initrd', 'payload:<url>', 'arch', … */
  name: string;
  sha256: string;
  /** Human detail: a URL, a path, a value. */
  detail?: string;
}

export interface PackageEntry {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  /** Which package manager reported it (absent in records made before kiln kept it). */
  format?: 'rpm' | 'deb';
  /** rpm only: the header's SIGMD5 (Koji's payloadhash for the rpm). */
  sigmd5?: string;
}

export interface BuildRecord {
  /** The store key: SHA-256 over every input that changes the result. */
  id: string;
  name: string;
  version?: string;
  arch: Arch;
  createdAt: string;
  kilnVersion: string;
  inputs: InputHash[];
  disk: { file: string; format: 'qcow2' | 'raw'; virtualSize: number; actualSize: number };
  accelerator: 'kvm' | 'tcg';
  /** Milliseconds per phase, in order. */
  timings: { phase: string; ms: number }[];
  packages: PackageEntry[];
  installer: { driver: string; tree: string; family?: string; release?: string; firmware?: 'bios' | 'uefi' };
  /**
   * Which firmwares the captured disk boots under, read from the disk (partition table, BIOS boot
   * code, the EFI system partition's loader and its signature): src/image/boot-firmware.ts.
   * Absent in records made before kiln read it.
   */
  boot?: BootFacts;
  /** Where the build's logs are (console, installer log, domain XML, kickstart used). */
  logDir: string;
}
