/**
 * What kiln records about each deployed instance (instance.json in its directory): the appliance
 * and version it runs, the boot descriptor chosen, the libvirt domain, the network (with the SSH
 * port forward or the named network and the MACs chosen at deploy) and every disk with its use.
 * The record is written before the first disk and removed after the last one, so no disk exists
 * without a record; `state` says when an operation was cut short (creating, updating, removing).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DomainSpec } from '../../hypervisor/index.js';
import { writeJsonAtomic } from '../core/atomic.js';
import type { DiskFormat, DiskUse } from './descriptor.js';

export interface InstanceDisk {
  /** Relative to the instance directory, or (shared: an ISO image) to the appliance version's directory. */
  file: string;
  shared?: boolean;
  target: string;
  bus: 'virtio' | 'ide' | 'sata';
  device: 'disk' | 'cdrom';
  use: DiskUse;
  /** The format of `file` (system disks are qcow2 overlays). */
  format: DiskFormat;
  /** The descriptor's disk (its id). */
  source: string;
}

export type InstanceNetwork = { kind: 'user'; sshPort: number } | { kind: 'network'; name: string };

export interface InstanceRecord {
  schemaVersion: 1;
  name: string;
  /** removed: the domain and system disks are gone, the data disks were kept (--keep-data). */
  state: 'creating' | 'ready' | 'updating' | 'removing' | 'removed';
  appliance: { name: string; version?: string; release?: string; label?: string; key: string };
  boot: { index: number; arch: string };
  /** The libvirt connection the domain is defined on. */
  uri: string;
  domain: { name: string; uuid: string; type: 'kvm' | 'qemu' };
  memoryMiB: number;
  vcpus: number;
  network: InstanceNetwork;
  macs: string[];
  disks: InstanceDisk[];
  /** The appliance's cloud user (who logs in with the instance's key), when known. */
  user?: string;
  instanceId: string;
  createdAt: string;
  updatedAt: string;
  /** While an update runs: the version it goes to (the old system disks are kept until it booted). */
  updatingTo?: string;
  /** The domain as defined (an update that rolls back defines it again). */
  spec?: DomainSpec;
}

export const RECORD_FILE = 'instance.json';

export function recordPath(dir: string): string {
  return join(dir, RECORD_FILE);
}

export async function writeRecord(dir: string, record: InstanceRecord): Promise<void> {
  await writeJsonAtomic(recordPath(dir), { ...record, updatedAt: new Date().toISOString() });
}

export async function readRecord(dir: string): Promise<InstanceRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(dir), 'utf8')) as InstanceRecord;
  } catch {
    return undefined;
  }
}

/** Every instance under `root` that has a record, by name. */
export async function listRecords(root: string): Promise<InstanceRecord[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const records: InstanceRecord[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || name === 'images') continue;
    const record = await readRecord(join(root, name));
    if (record) records.push(record);
  }
  return records;
}
