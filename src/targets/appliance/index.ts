/**
 * appliance: the seeds' appliance image — a tarball holding the disk image(s) and a virt-image
 * style descriptor, validated against the shipped schema before anything is packed.
 *   <stem>/<stem>.xml, <stem>/<stem>-sda.qcow2 (system), <stem>/<stem>-sdb.qcow2 (data|scratch)…
 * qcow2 disks are already compressed, so the bundle is a plain tar; raw disks go in a sparse
 * tar.xz.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KILN_VERSION } from '../../core/version.js';
import { hashWrittenFile } from '../../image/hash-written.js';
import { HashingWriter } from '../../image/hashing-writer.js';
import { linkOrCopy } from '../../image/link-or-copy.js';
import { createImage } from '../../image/qemu-img.js';
import { writeTar } from '../../image/sparse-tar.js';
import { genericCloudPrep } from '../prep/spec.js';
import type { BuildContext, Target } from '../types.js';
import { renderDescriptor, type DescriptorDisk } from './descriptor.js';
import { applianceOptions, type ApplianceOptions } from './options.js';
import { validateDescriptor } from './validate.js';

const MiB = 1024 * 1024;

async function systemDisk(ctx: BuildContext, o: ApplianceOptions, dir: string): Promise<DescriptorDisk> {
  const file = `${ctx.stem}-sda.${o.diskFormat}`;
  const sizeMiB = Math.ceil(ctx.image.virtualSize / MiB);
  if (o.diskFormat === 'qcow2') {
    const q = await ctx.image.qcow2('1.1');
    await linkOrCopy(q.path, join(dir, file), ctx.signal);
    return { file, use: 'system', format: 'qcow2', sizeMiB, sha256: q.sha256 };
  }
  const raw = await ctx.image.raw();
  await linkOrCopy(raw, join(dir, file), ctx.signal);
  const { sha256 } = await hashWrittenFile(raw, { sparse: true, signal: ctx.signal });
  return { file, use: 'system', format: 'raw', sizeMiB, sha256 };
}

export const applianceTarget: Target<ApplianceOptions> = {
  name: 'appliance',
  summary: 'tarball: disk image(s) + virt-image style descriptor (validated against the shipped schema)',
  extension: (o) => (o.diskFormat === 'raw' ? 'appliance.tar.xz' : 'appliance.tar'),
  options: (raw) => applianceOptions(raw),
  tools: (o) => ['qemu-img', 'cp', 'tar', 'xmllint', ...(o.diskFormat === 'raw' ? (['xz'] as const) : [])],
  prep: () => genericCloudPrep(),
  async build(ctx, o) {
    const root = join(ctx.workDir, 'appliance');
    const dir = join(root, ctx.stem);
    await mkdir(dir, { recursive: true });
    const disks = [await systemDisk(ctx, o, dir)];
    for (const [i, extra] of o.disks.entries()) {
      const file = `${ctx.stem}-sd${String.fromCharCode(98 + i)}.${o.diskFormat}`;
      const path = join(dir, file);
      await createImage(path, o.diskFormat, extra.sizeMiB * MiB, ctx.signal);
      const { sha256 } = await hashWrittenFile(path, { sparse: o.diskFormat === 'raw', signal: ctx.signal });
      disks.push({ file, use: extra.use, format: o.diskFormat, sizeMiB: extra.sizeMiB, sha256 });
    }
    const descriptor = join(dir, `${ctx.stem}.xml`);
    await writeFile(
      descriptor,
      renderDescriptor({
        name: ctx.name,
        version: ctx.version,
        release: ctx.release,
        label: `${ctx.name}${ctx.version ? ` ${ctx.version}` : ''}${ctx.release ? `-${ctx.release}` : ''} (${ctx.arch})`,
        description: `Made by kiln ${KILN_VERSION} from base image ${ctx.base.id}.`,
        arch: ctx.arch,
        vcpus: o.vcpus,
        memoryMiB: o.memoryMiB,
        interfaces: 1,
        graphics: o.graphics,
        disks,
        firmware: ctx.base.record.boot?.firmware.filter((f): f is 'bios' | 'uefi' => f === 'bios' || f === 'uefi'),
      }),
    );
    await validateDescriptor(descriptor, ctx.signal);
    const written = await HashingWriter.writeFile(
      ctx.outputPath,
      (writer) => writeTar({ cwd: root, members: [ctx.stem], mtime: ctx.mtime, xz: o.diskFormat === 'raw' ? {} : false, signal: ctx.signal }, writer),
      (n) => ctx.progress(n),
    );
    return { sha256: written.sha256, size: written.bytes, format: o.diskFormat === 'raw' ? 'tar+xz' : 'tar' };
  },
};
