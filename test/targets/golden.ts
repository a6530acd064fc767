/**
 * Golden files for what the targets generate (test/targets/golden/…): prep scripts, appliance
 * descriptors. Regenerate with UPDATE_GOLDEN=1 and review the diff before committing.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../../src/core/version.js';

export const GOLDEN_DIR = join(PROJECT_ROOT, 'test', 'targets', 'golden');

export async function expectGolden(relative: string, actual: string): Promise<string> {
  const file = join(GOLDEN_DIR, relative);
  if (process.env.UPDATE_GOLDEN) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, actual);
  }
  const expected = await readFile(file, 'utf8').catch(() => {
    throw new Error(`golden file ${relative} is missing; run with UPDATE_GOLDEN=1 and review it`);
  });
  expect(actual).toBe(expected);
  return file;
}
