/** Where an install tree is: an http(s) URL or a local directory (any installer's trees). */
import { resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import type { InstallTree } from './driver.js';

export function parseTreeLocation(tree: string, cwd: string): InstallTree {
  if (/^https?:\/\//i.test(tree)) return { kind: 'url', location: tree.endsWith('/') ? tree : `${tree}/` };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(tree)) {
    throw new KilnError('TREE_UNSUPPORTED', `unsupported install tree location ${tree}`, {
      usage: true,
      hint: 'Give an http(s) URL or a local directory holding an install tree.',
    });
  }
  return { kind: 'dir', location: resolve(cwd, tree) };
}
