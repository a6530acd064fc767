/**
 * The target plugin interface: every output format (ec2, openstack, raw-tar-xz, raw-xz, appliance)
 * is a `Target` in the registry (registry.ts), built by the same runner (run-targets.ts).
 */
import type { Emit } from '../core/events.js';
import type { Firmware } from '../image/boot-firmware.js';
import type { HostTool } from '../core/tools.js';
import type { Arch } from '../core/arch.js';
import type { BaseImage } from '../store/store.js';
import type { PrepReport } from './prep/report.js';
import type { PrepSpec } from './prep/spec.js';

export const TARGET_NAMES = ['ec2', 'openstack', 'raw-tar-xz', 'raw-xz', 'appliance'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** What the EC2 upload stage needs to register an AMI from the raw image (EC2's own names). */
export interface Ec2Facts {
  architecture: 'i386' | 'x86_64';
  virtualizationType: 'hvm';
  bootMode: 'legacy-bios' | 'uefi' | 'uefi-preferred';
  enaSupport: boolean;
  sriovNetSupport?: 'simple';
  rootDeviceName: string;
}

/** The base image an output was made from. */
export interface BaseRef {
  id: string;
  name: string;
  version?: string;
  arch: Arch;
}

/** One output file, as recorded in targets.json. */
export interface TargetOutput {
  target: TargetName;
  /** File name in the output directory; its checksum is in `<file>.sha256` beside it. */
  file: string;
  sha256: string;
  /** Apparent size in bytes. */
  size: number;
  /** Guest-visible size of the disk inside. */
  virtualSize: number;
  /** What the file is: 'raw', 'qcow2', 'tar+xz', 'xz', 'tar'. */
  format: string;
  /** The target options it was made with (defaults filled in). */
  options: Record<string, unknown>;
  base: BaseRef;
  createdAt: string;
  ec2?: Ec2Facts;
  /**
   * The firmwares the output's disk boots under, read from the base image's disk at capture
   * (absent for bases captured before kiln read it).
   */
  firmware?: Firmware[];
  /** Image properties a cloud needs to boot it: OpenStack's hw_firmware_type=uefi for a UEFI-only disk. */
  properties?: Record<string, string>;
  /** Outputs with the same value hold the same disk (same base, same cloud prep): booting one tests all. */
  disk?: string;
  /** The image's default cloud user, as cloud prep found it (who a boot test logs in as). */
  cloudUser?: string;
}

/** What `runTargets` returns and writes (merged) into `<outDir>/targets.json`. */
export interface TargetsRecord {
  schemaVersion: 1;
  kilnVersion: string;
  /** The outputs of this run, in the order the targets were given (rebuilt or reused). */
  outputs: TargetOutput[];
  /** Targets whose outputs were already there with the same base and options (not rebuilt). */
  reused: TargetName[];
  /** Absolute path of targets.json. */
  recordFile: string;
}

/** The disk a target works from: a prepared qcow2 overlay and conversions made from it once. */
export interface PreparedImage {
  /** qcow2 overlay whose backing file is the base (the base is never written). */
  overlay: string;
  virtualSize: number;
  /** What cloud prep found in the guest (undefined when prep was skipped). */
  report?: PrepReport;
  /** A sparse raw copy of the overlay (made once, shared by the targets of this image). */
  raw(): Promise<string>;
  /** A compressed qcow2 copy of the overlay with its checksum (made once per compat level). */
  qcow2(compat: '1.1' | '0.10'): Promise<{ path: string; sha256: string; bytes: number }>;
}

export interface BuildContext {
  base: BaseImage;
  arch: Arch;
  /** `<name>-<version>.<arch>`: outputs are `<stem>.<extension>`. */
  stem: string;
  /** The output's name and version apart (an appliance descriptor names the appliance and its version). */
  name: string;
  version?: string;
  release?: string;
  image: PreparedImage;
  /** Where the target writes its output (a temporary name; the runner renames it). */
  outputPath: string;
  /** Scratch space on the same filesystem as the outputs; removed at the end. */
  workDir: string;
  /** Cache of ready-made xz zero streams. */
  zeroCacheDir: string;
  /** Reproducible timestamps inside archives. */
  mtime: Date;
  emit: Emit;
  signal?: AbortSignal;
  /** Progress of the output being written, in bytes. */
  progress(done: number, total?: number): void;
}

export interface BuiltOutput {
  sha256: string;
  size: number;
  format: string;
  ec2?: Ec2Facts;
  properties?: Record<string, string>;
}

export interface Target<O extends object = object> {
  readonly name: TargetName;
  readonly summary: string;
  /** What follows `<stem>.` in the output's file name. */
  extension(options: O): string;
  /** Validates user options (usage errors, naming the option) and fills defaults. */
  options(raw: Partial<O> | undefined, arch: Arch): O;
  /** Host tools `build` runs (checked before any target starts). */
  tools(options: O): HostTool[];
  /** The cloud prep the output needs; targets with equal specs share one prepared overlay. */
  prep(arch: Arch, options: O): PrepSpec | undefined;
  build(ctx: BuildContext, options: O): Promise<BuiltOutput>;
}
