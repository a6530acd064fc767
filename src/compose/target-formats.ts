/**
 * Which kiln target outputs productmd can describe, and as what image type and format.
 *
 * productmd's types and formats are a fixed list (productmd-rules.ts): a qcow2 (openstack), an
 * xz-compressed raw disk (raw-xz) and a raw disk (the ec2 target's output) are in it. A raw disk
 * in a tar.xz (raw-tar-xz) and an appliance bundle are not, so they get no images.json entry:
 * they still go into the images directory and its CHECKSUM file, and the caller records them in
 * kiln's own compose/metadata/kiln.json instead (see composeLayout in layout.ts).
 */
import type { TargetName } from '../targets/types.js';

export interface ProductmdImageKind {
  type: string;
  format: string;
}

const KINDS: Readonly<Record<TargetName, ProductmdImageKind | undefined>> = {
  openstack: { type: 'qcow2', format: 'qcow2' },
  'raw-xz': { type: 'raw-xz', format: 'raw.xz' },
  ec2: { type: 'raw', format: 'raw' },
  'raw-tar-xz': undefined,
  appliance: undefined,
};

/** productmd's type and format for a target's output, or undefined when productmd has none for it. */
export function productmdImageKind(target: TargetName): ProductmdImageKind | undefined {
  return KINDS[target];
}
