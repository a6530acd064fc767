/** Output names: `<name>-<version>.<arch>.<extension>` (no `-<version>` when there is none). */
import { usageError } from '../core/errors.js';
import type { Arch } from '../core/arch.js';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;

export function outputStem(name: string, version: string | undefined, arch: Arch): string {
  if (!SAFE.test(name)) {
    throw usageError(`invalid output name '${name}'`, 'Use letters, digits and . _ + ~ - (no spaces or slashes), starting with a letter or digit.');
  }
  if (version !== undefined && version !== '' && !SAFE.test(version)) {
    throw usageError(`invalid version '${version}'`, 'Use letters, digits and . _ + ~ - (no spaces or slashes).');
  }
  return version ? `${name}-${version}.${arch}` : `${name}.${arch}`;
}

/** `sha256sum -c` format: `<hex>  <file>`. */
export function sha256Line(sha256: string, file: string): string {
  return `${sha256}  ${file}\n`;
}
