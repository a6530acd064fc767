/**
 * Checks a descriptor the appliance target wrote: valid against the schema kiln ships (virt-image's
 * format, src/appliance/appliance.rng), and within the subset kiln writes — system disks first,
 * each disk's format and the system disks' SHA-256 given, data disks called data (not virt-image's
 * user), an i686 guest declaring PAE. A failure here is a bug in kiln.
 */
import { readFile } from 'node:fs/promises';
import { KilnError, isKilnError } from '../../core/errors.js';
import { parseDescriptor } from '../../appliance/descriptor.js';
import { checkSchema, DESCRIPTOR_SCHEMA } from '../../appliance/schema.js';

export { DESCRIPTOR_SCHEMA };

function kilnProfileProblems(xml: string, path: string): string[] {
  const d = parseDescriptor(xml, path);
  const problems: string[] = [];
  const order = { system: 0, data: 1, scratch: 2 };
  if (d.disks.some((disk, i) => i > 0 && order[disk.use] < order[d.disks[i - 1]!.use])) problems.push('system disks do not come first');
  if (/use="user"/.test(xml)) problems.push("a disk is called 'user' (kiln writes data)");
  if (/<disk(?![^>]*format=)[^>]*>/.test(xml)) problems.push('a disk has no format');
  if (d.disks.some((disk) => disk.use === 'system' && !disk.checksums.sha256)) problems.push('a system disk has no SHA-256');
  if (d.boots.some((b) => b.arch === 'i686' && b.features.pae !== 'on')) problems.push('an i686 guest does not declare PAE');
  return problems;
}

export async function validateDescriptor(path: string, signal?: AbortSignal): Promise<void> {
  try {
    await checkSchema(path, signal);
    const problems = kilnProfileProblems(await readFile(path, 'utf8'), path);
    if (problems.length) throw new KilnError('APPLIANCE_DESCRIPTOR_INVALID', `${path}: ${problems.join('; ')}`);
  } catch (error) {
    if (isKilnError(error) && error.code === 'APPLIANCE_DESCRIPTOR_INVALID') {
      throw new KilnError('TARGET_DESCRIPTOR_INVALID', `the appliance descriptor kiln wrote is not what kiln writes: ${error.message}`, {
        cause: error,
        fault: 'kiln',
        details: error.details,
        hint: 'This is a bug in kiln; please report it with the descriptor.',
      });
    }
    throw error;
  }
}
