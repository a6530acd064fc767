/**
 * Builds a partitioned raw disk holding a directory tree, without root, loop devices or mounts:
 * an MBR with one bootable Linux partition at 1 MiB (sfdisk), and an ext4 filesystem populated
 * from the tree written straight into that partition (`mkfs.ext4 -d DIR -E offset=…`). The file
 * stays sparse: only what mkfs writes is allocated.
 */
import { open, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { run } from '../core/run.js';
import { diskFullFrom } from './io-errors.js';

export const PARTITION_OFFSET = 1024 * 1024;

export interface DiskFromTreeOptions {
  tree: string;
  out: string;
  /** Virtual size of the disk in bytes (a whole number of MiB). */
  size: number;
  label?: string;
  /** Filesystem UUID (random by default). */
  uuid?: string;
  signal?: AbortSignal;
}

export interface DiskFromTree {
  path: string;
  /** Byte offset of the root partition. */
  partitionOffset: number;
  fsUuid: string;
}

export async function diskFromTree(o: DiskFromTreeOptions): Promise<DiskFromTree> {
  const uuid = o.uuid ?? randomUUID();
  try {
    const fh = await open(o.out, 'w');
    await fh.truncate(o.size);
    await fh.close();
    await run('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', o.out], {
      timeoutMs: 60_000,
      signal: o.signal,
      input: `label: dos\nstart=${PARTITION_OFFSET / 512}, type=83, bootable\n`,
    });
    const fsKiB = Math.floor((o.size - PARTITION_OFFSET) / 1024);
    await run(
      'mkfs.ext4',
      ['-q', '-F', '-d', o.tree, '-L', o.label ?? 'root', '-U', uuid, '-E', `offset=${PARTITION_OFFSET}`, o.out, `${fsKiB}k`],
      { timeoutMs: 3600_000, signal: o.signal },
    );
  } catch (error) {
    await rm(o.out, { force: true });
    throw diskFullFrom(error, o.out) ?? error;
  }
  return { path: o.out, partitionOffset: PARTITION_OFFSET, fsUuid: uuid };
}
