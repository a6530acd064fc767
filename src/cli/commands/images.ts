/** `kiln images`: the base images in the store. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandSpec } from '../command.js';
import { KilnError } from '../../core/errors.js';
import { openStore, shortId } from '../../store/store.js';
import { defaultStoreDir } from '../../core/paths.js';
import { formatBytes } from '../../core/units.js';
import { table } from '../table.js';
import { storeOption } from './shared-options.js';

export const imagesCommand: CommandSpec = {
  name: 'images',
  summary: "list the store's base images: id, name, arch, size, created, inputs",
  options: [storeOption, { flags: '--inputs', description: 'also list every input and its hash' }],
  examples: ['kiln images', 'kiln images --json', 'kiln images --inputs --store ./store'],
  async action(_args, options, ctx) {
    const store = openStore(resolve(ctx.cwd, String(options.store ?? defaultStoreDir(ctx.env))));
    // A store the user names must exist (a typo is not an empty store); the default one is
    // created by the first build.
    if (options.store !== undefined && !(await stat(store.dir).then((s) => s.isDirectory(), () => false))) {
      throw new KilnError('STORE_MISSING', `there is no store at ${store.dir}`, { usage: true, hint: 'Give the directory of an existing store with --store.' });
    }
    const images = await store.list();
    const json = images.map((b) => ({
      id: b.id,
      name: b.record.name,
      version: b.record.version,
      arch: b.record.arch,
      virtualSize: b.record.disk.virtualSize,
      actualSize: b.record.disk.actualSize,
      createdAt: b.record.createdAt,
      packages: b.record.packages.length,
      disk: b.disk,
      inputs: b.record.inputs,
    }));
    if (images.length === 0) return { text: `no base images in ${store.dir}`, json };
    const rows = images.map((b) => [
      shortId(b.id),
      `${b.record.name}${b.record.version ? `-${b.record.version}` : ''}`,
      b.record.arch,
      `${formatBytes(b.record.disk.actualSize)} / ${formatBytes(b.record.disk.virtualSize)}`,
      b.record.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      String(b.record.packages.length),
      b.record.inputs.map((i) => i.name).join(','),
    ]);
    let text = table(['ID', 'NAME', 'ARCH', 'SIZE (used / virtual)', 'CREATED', 'PKGS', 'INPUTS'], rows);
    if (options.inputs) {
      for (const b of images) {
        text += `\n\n${shortId(b.id)} inputs:\n` + b.record.inputs.map((i) => `  ${i.name.padEnd(24)} ${i.sha256.slice(0, 16)}  ${i.detail ?? ''}`.trimEnd()).join('\n');
      }
    }
    return { text, json };
  },
};
