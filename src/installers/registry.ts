/**
 * The installer drivers kiln has: a typed name → driver map and the picker that chooses one for
 * an image spec's family. Anaconda installs Fedora, RHEL and CentOS; Debian's installer has no
 * driver yet, so a Debian spec is refused before anything starts.
 */
import { KilnError } from '../core/errors.js';
import type { ImageSpec } from '../template/image-spec.js';
import { anacondaDriver } from './anaconda/index.js';
import type { InstallerDriver } from './driver.js';

export const installerRegistry = {
  anaconda: anacondaDriver,
  // A driver's plan() reads back its own answer-file type; methods are bivariant in TypeScript,
  // and the pipeline only ever passes plan() the answer file the same driver made.
} as const satisfies Record<string, InstallerDriver>;

export type InstallerName = keyof typeof installerRegistry;

export function pickInstaller(spec: Pick<ImageSpec, 'family' | 'name'>, drivers: Record<string, InstallerDriver> = installerRegistry): InstallerDriver {
  const driver = Object.values(drivers).find((d) => d.families.includes(spec.family));
  if (!driver) {
    throw new KilnError('INSTALLER_UNSUPPORTED', `kiln has no installer driver for the ${spec.family} family (${spec.name})`, {
      fault: 'user',
      hint: `kiln installs with: ${Object.values(drivers).map((d) => `${d.name} (${d.families.join(', ')})`).join('; ')}.`,
    });
  }
  return driver;
}
