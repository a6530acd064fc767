/**
 * Oz's ICICLE document (the package manifest Oz and ImageFactory attach to an image):
 * <icicle><description/><packages><package name="NEVRA"/>…</packages></icicle>.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { PackageEntry } from '../../store/record.js';
import { nevra } from './manifest.js';

export function icicleXml(packages: readonly PackageEntry[], description?: string): string {
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    icicle: {
      ...(description !== undefined ? { description } : {}),
      packages: { package: packages.map((p) => ({ '@_name': nevra(p) })) },
    },
  };
  return builder.build(doc) as string;
}
