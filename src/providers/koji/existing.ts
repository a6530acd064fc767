/**
 * What an NVR already in Koji means for an import: the same files (a re-run: nothing to do), a
 * build still reserved, or a different image under that NVR (an error that names the files).
 */
import { KilnError } from '../../core/errors.js';
import { BUILD_STATE, BUILD_STATE_NAMES, type KojiArchive, type KojiBuild } from './calls.js';
import type { ImportItem } from './item.js';

const SHA256 = 2;

/** Differences between the build's archives and the item's images and records; empty when they are the same. */
export function archiveDifferences(item: ImportItem, archives: KojiArchive[]): string[] {
  const wanted = item.files.filter((f) => f.kind !== 'log');
  const have = new Map(archives.map((a) => [a.filename, a]));
  const out: string[] = [];
  for (const f of wanted) {
    const a = have.get(f.name);
    if (!a) out.push(`${f.name}: not in the Koji build`);
    else if (a.size !== f.size || a.checksum_type !== SHA256 || a.checksum !== f.sha256) {
      out.push(`${f.name}: Koji has ${a.size} bytes sha256 ${a.checksum}, this one is ${f.size} bytes sha256 ${f.sha256}`);
    }
    have.delete(f.name);
  }
  for (const name of have.keys()) out.push(`${name}: in the Koji build only`);
  return out;
}

/** Throws unless the existing build is this item (then the import has nothing to do). */
export function checkExisting(item: ImportItem, nvr: string, build: KojiBuild, archives: KojiArchive[]): void {
  if (build.state === BUILD_STATE.BUILDING) {
    throw new KilnError('KOJI_NVR_RESERVED', `${nvr} is reserved in Koji by an import that has not finished (build ${build.id})`, {
      fault: 'external',
      hint: `If no import is running, a Koji admin can cancel it (koji cancel-build ${build.id}); or use another --release.`,
    });
  }
  if (build.state !== BUILD_STATE.COMPLETE) return;
  const differences = archiveDifferences(item, archives);
  if (differences.length > 0) {
    throw new KilnError('KOJI_NVR_TAKEN', `${nvr} is already in Koji (build ${build.id}) with different files`, {
      fault: 'user',
      details: differences,
      hint: 'A Koji NVR names one set of files forever: give this image another --release.',
    });
  }
}

export const stateName = (state: number): string => BUILD_STATE_NAMES[state] ?? String(state);
