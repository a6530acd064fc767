/** Checking kiln's own compose metadata before it is written: a broken document is a kiln bug. */
import { KilnError } from '../core/errors.js';
import { validateComposeInfoJson } from './validate-composeinfo.js';
import { validateImagesJson } from './validate-images.js';

export type ProductmdFile = 'composeinfo.json' | 'images.json';

const VALIDATORS: Record<ProductmdFile, (doc: unknown) => string[]> = {
  'composeinfo.json': validateComposeInfoJson,
  'images.json': validateImagesJson,
};

/** Throws PRODUCTMD_INVALID (fault: kiln) listing every broken rule. */
export function assertProductmdValid(file: ProductmdFile, doc: unknown): void {
  const problems = VALIDATORS[file](doc);
  if (problems.length === 0) return;
  throw new KilnError('PRODUCTMD_INVALID', `${file} breaks productmd's rules: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
    fault: 'kiln',
    details: problems,
    hint: 'This is a bug in kiln; please report it with the compose directory.',
  });
}
