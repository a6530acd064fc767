/** A directory on the host as newc cpio entries (sorted, mtime 0: the same tree gives the same bytes). */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CpioEntry } from '../../src/installers/anaconda/cpio-newc.js';

export async function cpioEntriesFromDir(root: string, prefix = ''): Promise<CpioEntry[]> {
  const entries: CpioEntry[] = [];
  for (const name of (await readdir(root)).sort()) {
    const full = join(root, name);
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const st = await lstat(full);
    const mode = st.mode & 0o7777;
    if (st.isDirectory()) {
      entries.push({ type: 'directory', path, mode });
      entries.push(...(await cpioEntriesFromDir(full, path)));
    } else if (st.isSymbolicLink()) {
      entries.push({ type: 'symlink', path, target: await readlink(full) });
    } else if (st.isFile()) {
      entries.push({ type: 'file', path, mode, data: await readFile(full) });
    } else {
      throw new Error(`${full}: only directories, files and symlinks go into the initrd`);
    }
  }
  return entries;
}
