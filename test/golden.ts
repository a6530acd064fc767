/**
 * Golden files: generated text compared with a reviewed copy under test/<area>/golden/.
 * Regenerate with UPDATE_GOLDEN=1 and review the diff before committing.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../src/core/version.js';

export interface Golden {
  /** test/<area>/golden */
  dir: string;
  /** Compares `actual` with the golden file (writing it first under UPDATE_GOLDEN=1); returns its path. */
  expect(relative: string, actual: string): Promise<string>;
}

export function goldenFiles(area: string): Golden {
  const dir = join(PROJECT_ROOT, 'test', area, 'golden');
  return {
    dir,
    async expect(relative, actual) {
      const file = join(dir, relative);
      if (process.env.UPDATE_GOLDEN) {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, actual);
      }
      const expected = await readFile(file, 'utf8').catch(() => {
        throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 and review it`);
      });
      expect(actual).toBe(expected);
      return file;
    },
  };
}
