/**
 * A prepared image: a qcow2 overlay on the base (the base is never written), cloud prep applied to
 * the overlay in one libguestfs launch, and the conversions targets share (a sparse raw, a
 * compressed qcow2 per compat level), each made at most once. The prepped overlay is kept in the
 * store beside the base (prepared-store.ts): a later run with the same base and prep starts from
 * it, and this run's overlay sits on it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emit } from '../core/events.js';
import { phase } from '../core/phase.js';
import { hashWrittenFile } from '../image/hash-written.js';
import { convertImage, createOverlay, imageInfo, type Qcow2Compat } from '../image/qemu-img.js';
import type { BaseImage } from '../store/store.js';
import type { Accel } from './prep/libguestfs-env.js';
import { checkReport } from './prep/report.js';
import { runPrep } from './prep/run-prep.js';
import type { PrepSpec } from './prep/spec.js';
import type { PrepReport } from './prep/report.js';
import { keptPrep } from './prepared-store.js';
import type { PreparedImage } from './types.js';

export interface PrepareOptions {
  base: BaseImage;
  /** Cloud prep to apply; undefined: the overlay reads exactly like the base. */
  spec?: PrepSpec;
  /** A fresh directory for the overlay and conversions (on the outputs' filesystem). */
  dir: string;
  accel: Accel;
  emit: Emit;
  signal?: AbortSignal;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

export async function prepareImage(o: PrepareOptions): Promise<PreparedImage> {
  await mkdir(o.dir, { recursive: true });
  const overlay = join(o.dir, 'overlay.qcow2');
  const spec = o.spec;
  const onBase = (path: string) => createOverlay(o.base.disk, o.base.record.disk.format, path, o.signal);
  let report: PrepReport | undefined;
  if (!spec) {
    await onBase(overlay);
  } else {
    const prep = (target: string) =>
      phase(
        `prep:${spec.label}`,
        o.emit,
        async () => {
          const r = await runPrep({ overlay: target, spec, workDir: o.dir, accel: o.accel, emit: o.emit, signal: o.signal });
          checkReport(spec, r, o.emit);
          return r;
        },
        { detail: 'virt-sysprep (one libguestfs launch)' },
      );
    const kept = await keptPrep({
      base: o.base,
      spec,
      signal: o.signal,
      onWait: () => o.emit({ type: 'message', level: 'info', text: `waiting for another kiln preparing the same ${spec.label} overlay of base image ${o.base.id.slice(0, 12)}` }),
      createOverlay: onBase,
      make: prep,
    });
    if (kept) {
      if (!kept.made) {
        o.emit({ type: 'phase', phase: `prep:${spec.label}`, state: 'skip', detail: 'kept in the store from an earlier run' });
        checkReport(spec, kept.kept.report, o.emit);
      }
      // The kept overlay is read-only: this run's overlay sits on it.
      await createOverlay(kept.kept.overlay, 'qcow2', overlay, o.signal);
      report = kept.kept.report;
    } else {
      await onBase(overlay);
      report = await prep(overlay);
    }
  }
  const { virtualSize } = await imageInfo(overlay, { format: 'qcow2', signal: o.signal });
  const qcow2s = new Map<Qcow2Compat, () => Promise<{ path: string; sha256: string; bytes: number }>>();
  return {
    overlay,
    virtualSize,
    report,
    // Named disk.raw: the raw-tar-xz member name.
    raw: once(async () => {
      const path = join(o.dir, 'disk.raw');
      await convertImage({ src: overlay, srcFormat: 'qcow2', dst: path, dstFormat: 'raw', signal: o.signal });
      return path;
    }),
    qcow2(compat) {
      let make = qcow2s.get(compat);
      if (!make) {
        make = once(async () => {
          const path = join(o.dir, `disk-compat${compat}.qcow2`);
          await convertImage({ src: overlay, srcFormat: 'qcow2', dst: path, dstFormat: 'qcow2', compress: true, compat, signal: o.signal });
          return { path, ...(await hashWrittenFile(path, { signal: o.signal })) };
        });
        qcow2s.set(compat, make);
      }
      return make();
    },
  };
}
