/** A descriptor file checked against the schema kiln ships, then read (descriptor.ts). */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { parseDescriptor, type ApplianceDescriptor } from './descriptor.js';
import { checkSchema } from './schema.js';

/** `shownAs`: how errors name the file (a bundle's member: `web.appliance.tar:web/web.xml`). */
export async function readDescriptorFile(path: string, signal?: AbortSignal, shownAs?: string): Promise<ApplianceDescriptor> {
  const file = resolve(path);
  const xml = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new KilnError('APPLIANCE_NOT_FOUND', `cannot read the appliance descriptor ${file}: ${(error as Error).message}`, { cause: error, fault: 'user' });
  });
  await checkSchema(file, signal, shownAs ?? file);
  return { ...parseDescriptor(xml, shownAs ?? file), file, dir: dirname(file) };
}
