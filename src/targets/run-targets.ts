/**
 * runTargets: turns a base image into the requested outputs. Targets that need the same cloud prep
 * share one prepared overlay (one libguestfs launch); each output is written under a temporary name
 * and renamed when complete, with its .sha256 beside it; targets.json records them. On failure or
 * interrupt the cleanup stack removes temporary files and the work directory: no half-written
 * output is ever left under a final name.
 */
import { access, mkdir, mkdtemp, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { OWNER_FILE, writeOwnerFile } from '../core/owner.js';
import { reclaimDead, reclaimedText } from '../core/work-dirs.js';
import { dirname, join } from 'node:path';
import { tempSibling } from '../core/atomic.js';
import { inScope, type CleanupStack } from '../core/cleanup.js';
import { phase } from '../core/phase.js';
import { KilnError, interruptedError, usageError } from '../core/errors.js';
import type { Emit } from '../core/events.js';
import { cacheDir } from '../core/paths.js';
import { diskFullFrom } from '../image/io-errors.js';
import type { BaseImage } from '../store/store.js';
import { outputStem, sha256Line } from './naming.js';
import type { Accel } from './prep/libguestfs-env.js';
import { prepKey, type PrepSpec } from './prep/spec.js';
import { prepareImage } from './prepared-image.js';
import type { PreparedCache } from './prepared-cache.js';
import { findReusable, mergeRecordFile, readRecordFile } from './record-file.js';
import { pickTargets, targetRegistry, type TargetOptionsInput } from './registry.js';
import type { BuildContext, PreparedImage, Target, TargetName, TargetOutput, TargetsRecord } from './types.js';
import { KILN_VERSION } from '../core/version.js';
import { requireTools } from '../core/tools.js';
import { sha256 } from '../core/hash.js';
import { ec2Prep } from './ec2/facts.js';

export interface RunTargetsInput {
  base: BaseImage;
  targets: readonly string[];
  outDir: string;
  /** Output name (default: the base image's name). */
  name?: string;
  /** Output version (default: the base image's version, if any). */
  version?: string;
  /** Output release (a drop's respin), when there is one. */
  release?: string;
  /** libguestfs acceleration: 'tcg' forces TCG (no working KVM). */
  accel: Accel;
  options?: TargetOptionsInput;
  /** Cloud prep (default true). false: outputs read exactly like the base (not allowed for ec2). */
  prep?: boolean;
  /** Rebuild outputs even when targets.json says an identical one is already there. */
  force?: boolean;
  /** Cache directory (xz zero streams); default: kiln's cache dir. */
  cacheDir?: string;
  emit: Emit;
  signal?: AbortSignal;
  /** The job's cleanup stack: the targets run in a scope of it (default: a stack of their own). */
  cleanup?: CleanupStack;
  /** Output file names are `<stem>.<ext>` (default `<name>-<version>.<arch>`; a drop names them its way). */
  stem?: string;
  /**
   * 'ec2': every target gets EC2's cloud prep (an EC2 image shipped as raw.xz as well as published
   * as an AMI holds the same disk as the AMI). Default: each target's own prep.
   */
  prepProfile?: 'ec2';
  /** Re-hash an output found up to date before keeping it (a drop resuming after a crash). */
  verifyReused?: boolean;
  /** Prepared images shared with other runs (a drop's images of one install and prep). */
  prepared?: PreparedCache;
}

interface Plan {
  name: TargetName;
  target: Target<object>;
  options: object;
  file: string;
  index: number;
}

/** Creates `outDir` if missing and checks it can be written; returns the first directory it created. */
async function ensureWritableDir(outDir: string): Promise<string | undefined> {
  try {
    const created = await mkdir(outDir, { recursive: true });
    const probe = tempSibling(join(outDir, '.kiln-probe'));
    await writeFile(probe, '');
    await rm(probe, { force: true });
    return created;
  } catch (error) {
    throw (
      diskFullFrom(error, join(outDir, '.kiln-probe')) ??
      new KilnError('TARGET_OUT_UNWRITABLE', `cannot write to the output directory ${outDir}`, {
        cause: error,
        fault: 'user',
        hint: 'Give a writable directory with --out.',
      })
    );
  }
}

function planTargets(input: RunTargetsInput, stem: string): Plan[] {
  const arch = input.base.record.arch;
  return pickTargets(input.targets).map((name, index) => {
    const target = targetRegistry[name] as unknown as Target<object>;
    const options = target.options(input.options?.[name] as Partial<object> | undefined, arch);
    return { name, target, options, file: `${stem}.${target.extension(options)}`, index };
  });
}

export async function runTargets(input: RunTargetsInput): Promise<TargetsRecord> {
  const { base, outDir, emit, signal } = input;
  const arch = base.record.arch;
  const stem = input.stem ?? outputStem(input.name ?? base.record.name, input.version ?? base.record.version, arch);
  const plans = planTargets(input, stem);
  const prepOn = input.prep !== false;
  if (!prepOn && plans.some((p) => p.name === 'ec2')) {
    throw usageError('the ec2 target cannot skip cloud prep', 'EC2 images need the prep checks (drivers, console, datasource): drop --no-prep or the ec2 target.');
  }
  if (signal?.aborted) throw interruptedError(signal.reason);
  await access(base.disk).catch((error: unknown) => {
    throw new KilnError('TARGET_BASE_MISSING', `the disk of base image ${base.id.slice(0, 12)} is missing: ${base.disk}`, {
      cause: error,
      fault: 'user',
      hint: "The store entry is damaged; 'kiln images' lists the store.",
    });
  });
  await requireTools(
    [...(prepOn ? (['virt-sysprep'] as const) : []), ...plans.flatMap((p) => p.target.tools(p.options))],
    `the ${plans.map((p) => p.name).join(', ')} target${plans.length > 1 ? 's' : ''}`,
  );
  const createdDir = await ensureWritableDir(outDir);
  // Work directories of target runs that died (SIGKILL) in this output directory: gone, and said.
  for (const r of await reclaimDead(outDir, (name) => name.startsWith('.kiln-targets-'))) emit({ type: 'message', level: 'info', code: 'WORK_RECLAIMED', text: reclaimedText(r) });

  const existing = await readRecordFile(outDir);
  const done: TargetOutput[] = [];
  const reused: TargetName[] = [];
  const groups = new Map<string, { spec?: PrepSpec; plans: Plan[] }>();
  for (const p of plans) {
    const spec = !prepOn ? undefined : input.prepProfile === 'ec2' ? ec2Prep(arch) : p.target.prep(arch, p.options);
    const disk = diskIdentity(base.id, spec);
    const found = input.force
      ? undefined
      : await findReusable(existing, outDir, { target: p.name, file: p.file, baseId: base.id, options: p.options as Record<string, unknown>, disk, verify: input.verifyReused });
    if (found) {
      emit({ type: 'phase', phase: `target:${p.name}`, state: 'skip', detail: `${p.file} is up to date` });
      reused.push(p.name);
      done.push(found);
      continue;
    }
    const key = spec ? prepKey(spec) : 'none';
    const group = groups.get(key) ?? { spec, plans: [] };
    group.plans.push(p);
    groups.set(key, group);
  }

  const built: TargetOutput[] = [];
  let failure: unknown;
  try {
    await inScope(input.cleanup, `targets of ${stem}`, emit, async (stack) => {
      if (groups.size === 0) return;
      const workDir = await mkdtemp(join(outDir, '.kiln-targets-'));
      await writeOwnerFile(join(workDir, OWNER_FILE), `targets of ${base.id.slice(0, 12)}`);
      stack.push(`work directory ${workDir}`, () => rm(workDir, { recursive: true, force: true }));
      let n = 0;
      for (const group of groups.values()) {
        const disk = diskIdentity(base.id, group.spec);
        const prepare = (dir: string) => prepareImage({ base, spec: group.spec, dir, accel: input.accel, emit, signal });
        const own = join(workDir, `image-${n++}`);
        const image = input.prepared ? await input.prepared.use(disk, prepare) : await prepare(own);
        for (const p of group.plans) built.push(await buildOne(input, p, image, stem, join(own, 'work'), stack, disk));
        // Free the raw/qcow2 now (the next group needs the space), unless the cache keeps them.
        await rm(own, { recursive: true, force: true });
      }
    });
  } catch (error) {
    failure = diskFullFrom(error, join(outDir, `${stem}.*`)) ?? error;
  }
  if (failure !== undefined) {
    // Record what was completed before the failure, so a re-run reuses it.
    if (built.length > 0) await mergeRecordFile(outDir, built).catch(() => {});
    // A directory this run created and left empty goes too: a failed run leaves nothing behind.
    else if (createdDir !== undefined) await removeEmptyDirs(outDir, createdDir);
    throw failure;
  }
  const recordFile = await mergeRecordFile(outDir, built).catch((error: unknown) => {
    throw diskFullFrom(error, join(outDir, 'targets.json')) ?? error;
  });
  const order = new Map(plans.map((p) => [p.file, p.index]));
  const outputs = [...done, ...built].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  return { schemaVersion: 1, kilnVersion: KILN_VERSION, outputs, reused, recordFile };
}

/** Outputs with the same identity hold the same disk: one base, one cloud prep. */
function diskIdentity(baseId: string, spec: PrepSpec | undefined): string {
  return sha256(`${baseId}\n${spec ? prepKey(spec) : 'no prep'}`).slice(0, 16);
}

async function buildOne(input: RunTargetsInput, p: Plan, image: PreparedImage, stem: string, workDir: string, stack: CleanupStack, disk: string): Promise<TargetOutput> {
  const { base, emit } = input;
  const finalPath = join(input.outDir, p.file);
  const tmp = tempSibling(finalPath);
  const shaTmp = tempSibling(`${finalPath}.sha256`);
  const drop = stack.push(`partial output ${tmp}`, () => Promise.all([rm(tmp, { force: true }), rm(shaTmp, { force: true })]).then(() => {}));
  await mkdir(workDir, { recursive: true });
  const name = `target:${p.name}`;
  let last = 0;
  const created = new Date(base.record.createdAt);
  const ctx: BuildContext = {
    base,
    arch: base.record.arch,
    stem,
    name: input.name ?? base.record.name,
    version: input.version ?? base.record.version,
    release: input.release,
    image,
    outputPath: tmp,
    workDir,
    zeroCacheDir: join(input.cacheDir ?? cacheDir(), 'xz-zeros'),
    mtime: Number.isNaN(created.getTime()) ? new Date() : created,
    emit,
    signal: input.signal,
    progress(done, total) {
      const now = Date.now();
      if (now - last < 500) return;
      last = now;
      emit({ type: 'progress', task: name, done, total, unit: 'bytes', detail: p.file });
    },
  };
  const write = async (): Promise<TargetOutput> => {
    const out = await p.target.build(ctx, p.options);
    await writeFile(shaTmp, sha256Line(out.sha256, p.file));
    await rename(tmp, finalPath);
    await rename(shaTmp, `${finalPath}.sha256`);
    drop();
    return {
      target: p.name,
      file: p.file,
      sha256: out.sha256,
      size: out.size,
      virtualSize: image.virtualSize,
      format: out.format,
      options: p.options as Record<string, unknown>,
      base: { id: base.id, name: base.record.name, version: base.record.version, arch: base.record.arch },
      createdAt: new Date().toISOString(),
      disk,
      ...(out.ec2 ? { ec2: out.ec2 } : {}),
      ...(base.record.boot ? { firmware: base.record.boot.firmware } : {}),
      ...(out.properties ? { properties: out.properties } : {}),
      ...(image.report?.cloudUser ? { cloudUser: image.report.cloudUser } : {}),
    };
  };
  try {
    return await phase(name, emit, write, { detail: p.file });
  } catch (error) {
    throw diskFullFrom(error, finalPath) ?? error;
  }
}

/** Removes `dir` and its parents up to `top` while they are empty (rmdir refuses non-empty ones). */
async function removeEmptyDirs(dir: string, top: string): Promise<void> {
  for (let d = dir; ; d = dirname(d)) {
    if (!(await rmdir(d).then(() => true, () => false)) || d === top || dirname(d) === d) return;
  }
}
