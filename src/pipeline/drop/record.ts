/**
 * compose/metadata/kiln.json: kiln's own record of a drop — the spec it was made from (so a
 * re-run resumes only the same drop), and per image × arch what happened: the base image, each
 * output with its checksum and whether it is in the compose, the boot test, the AMIs. It holds
 * what productmd's files cannot (raw.tar.xz and appliance outputs) and is what `kiln drop status`
 * and a resumed drop read. Written atomically after every step.
 */
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../../core/atomic.js';
import type { StepState } from '../../core/events.js';
import type { ComposeType } from '../../compose/index.js';
import type { TargetName } from '../../targets/types.js';

export interface DropOutputRecord {
  target: TargetName;
  file: string;
  size: number;
  sha256: string;
  /** Outputs with the same value hold the same disk. */
  disk?: string;
  /** Path relative to compose/ once it is in the compose (tested, or no test asked). */
  path?: string;
  /** 'passed', 'failed', or "same disk as <file>" for an output holding the disk a tested one holds. */
  test?: string;
  /** Where the working copy is (under work/): publishing reads the ec2 raw from here. */
  work: string;
  /** The image's default cloud user, as cloud prep found it (`kiln test` on the compose logs in as it). */
  cloudUser?: string;
  /** ec2 outputs: the boot mode the AMI is registered with. */
  bootMode?: 'legacy-bios' | 'uefi' | 'uefi-preferred';
}

export interface DropAmi {
  region: string;
  imageId: string;
  snapshotId: string;
  public: boolean;
  /** The boot mode the AMI was registered with (from what the ec2 output's disk boots). */
  bootMode?: 'legacy-bios' | 'uefi' | 'uefi-preferred';
}

export interface DropItemRecord {
  image: string;
  arch: string;
  subvariant: string;
  version: string;
  release: string;
  failable: boolean;
  /** The state of each phase: install, targets, test, publish. */
  steps: Record<string, { state: StepState; ms?: number; detail?: string }>;
  baseId?: string;
  outputs: DropOutputRecord[];
  amis: DropAmi[];
  error?: { code: string; message: string };
}

export interface DropRecord {
  schemaVersion: 1;
  kilnVersion: string;
  composeId: string;
  /** productmd variant: where the compose's images are (compose/<variant>/<arch>/images). */
  variant: string;
  spec: { file: string; sha256: string };
  type: ComposeType;
  label?: string;
  startedAt: string;
  updatedAt: string;
  items: DropItemRecord[];
}

export async function readDropRecord(path: string): Promise<DropRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(path, 'utf8')) as DropRecord;
    return r.schemaVersion === 1 && Array.isArray(r.items) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the record; concurrent steps call this through one queue so writes never interleave. */
export class DropRecorder {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly record: DropRecord,
  ) {}

  item(id: string): DropItemRecord {
    const found = this.record.items.find((i) => `${i.image} ${i.arch}` === id);
    if (!found) throw new Error(`kiln bug: no drop item ${id}`);
    return found;
  }

  save(): Promise<void> {
    this.record.updatedAt = new Date().toISOString();
    const snapshot = JSON.parse(JSON.stringify(this.record)) as DropRecord;
    this.queue = this.queue.then(() => writeJsonAtomic(this.path, snapshot));
    return this.queue;
  }
}
