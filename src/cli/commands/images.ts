/** `kiln images`: the store's base images; `kiln images rm ID`, `kiln images prune`. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineCommand, type CommandContext, type CommandSpec } from '../command.js';
import { KilnError, usageError } from '../../core/errors.js';
import { openStore, shortId, type BaseImage, type Store } from '../../store/store.js';
import { choosePrune } from '../../store/prune.js';
import { defaultStoreDir } from '../../core/paths.js';
import { formatBytes, parseDuration } from '../../core/units.js';
import { table } from '../table.js';
import { storeOption } from './shared-options.js';

/** The store the flags name; one the user names must exist (a typo is not an empty store). */
async function storeOf(flags: { store?: string }, ctx: CommandContext): Promise<Store> {
  const store = openStore(resolve(ctx.cwd, flags.store ?? defaultStoreDir(ctx.env)));
  if (flags.store !== undefined && !(await stat(store.dir).then((s) => s.isDirectory(), () => false))) {
    throw new KilnError('STORE_MISSING', `there is no store at ${store.dir}`, { usage: true, hint: 'Give the directory of an existing store with --store.' });
  }
  return store;
}

const label = (b: BaseImage) => `${b.record.name}${b.record.version ? `-${b.record.version}` : ''}`;

const rmCommand = defineCommand<{ store?: string }>({
  name: 'rm',
  summary: 'remove base images (and their build logs) from the store',
  args: ['<ids...>'],
  options: [storeOption],
  examples: ['kiln images rm 3f2a9c', 'kiln images rm 3f2a 9b1c --store ./store'],
  async action(args, flags, ctx) {
    const store = await storeOf(flags, ctx);
    // Every id is looked up before anything is removed: one typo removes nothing.
    const found = await Promise.all(args.map((id) => store.lookup(id)));
    for (const b of found) await store.remove(b.id, { logs: true });
    return {
      text: found.map((b) => `removed ${shortId(b.id)} ${label(b)} ${b.record.arch}${b.damaged ? ` (damaged: ${b.damaged})` : ''}`).join('\n'),
      json: { removed: found.map((b) => b.id) },
    };
  },
});

const pruneCommand = defineCommand<{ store?: string; keep?: string; olderThan?: string; dryRun?: boolean }>({
  name: 'prune',
  summary: 'remove damaged base images, and old ones by count or age',
  options: [
    storeOption,
    { flags: '--keep <n>', description: 'keep the N newest builds of each image (name, version, arch)' },
    { flags: '--older-than <duration>', description: 'remove only builds older than this (e.g. 12h, 30d)' },
    { flags: '--dry-run', description: 'say what would be removed, remove nothing' },
  ],
  examples: ['kiln images prune', 'kiln images prune --keep 2', 'kiln images prune --older-than 30d --keep 1 --dry-run'],
  async action(_args, flags, ctx) {
    const keep = flags.keep === undefined ? undefined : Number(flags.keep);
    if (keep !== undefined && (!Number.isInteger(keep) || keep < 0)) throw usageError(`--keep ${flags.keep}: expected a whole number`);
    const olderThanMs = flags.olderThan === undefined ? undefined : parseDuration(flags.olderThan, '--older-than') * 1000;
    const store = await storeOf(flags, ctx);
    const chosen = choosePrune(await store.list(), { keep, olderThanMs });
    if (!flags.dryRun) for (const c of chosen) await store.remove(c.image.id, { logs: true });
    const verb = flags.dryRun ? 'would remove' : 'removed';
    const lines = chosen.map((c) => `${verb} ${shortId(c.image.id)} ${label(c.image)} ${c.image.record.arch}: ${c.why}`);
    return {
      text: lines.length ? lines.join('\n') : `nothing to prune in ${store.dir}`,
      json: { dryRun: Boolean(flags.dryRun), removed: chosen.map((c) => ({ id: c.image.id, why: c.why })) },
    };
  },
});

export const imagesCommand: CommandSpec = defineCommand<{ store?: string; inputs?: boolean }>({
  name: 'images',
  summary: "list the store's base images: id, name, arch, size, created, state, inputs",
  options: [storeOption, { flags: '--inputs', description: 'also list every input and its hash' }],
  examples: ['kiln images', 'kiln images --json', 'kiln images --inputs --store ./store', 'kiln images rm 3f2a9c', 'kiln images prune --keep 2'],
  subcommands: [rmCommand, pruneCommand],
  async action(_args, flags, ctx) {
    const store = await storeOf(flags, ctx);
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
      ...(b.damaged ? { damaged: b.damaged } : {}),
    }));
    if (images.length === 0) return { text: `no base images in ${store.dir}`, json };
    const rows = images.map((b) => [
      shortId(b.id),
      label(b),
      b.record.arch,
      `${formatBytes(b.record.disk.actualSize)} / ${formatBytes(b.record.disk.virtualSize)}`,
      b.record.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      String(b.record.packages.length),
      b.damaged ? `DAMAGED: ${b.damaged}` : 'ok',
    ]);
    let text = table(['ID', 'NAME', 'ARCH', 'SIZE (used / virtual)', 'CREATED', 'PKGS', 'STATE'], rows);
    const damaged = images.filter((b) => b.damaged).length;
    if (damaged) text += `\n\n${damaged} damaged: the same 'kiln build' replaces one; 'kiln images prune' removes them.`;
    if (flags.inputs) {
      for (const b of images) {
        text += `\n\n${shortId(b.id)} inputs:\n` + b.record.inputs.map((i) => `  ${i.name.padEnd(24)} ${i.sha256.slice(0, 16)}  ${i.detail ?? ''}`.trimEnd()).join('\n');
      }
    }
    return { text, json };
  },
});
