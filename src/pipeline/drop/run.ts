/**
 * `kiln drop`: a Pungi-style compose of every image × arch × target of a spec, built in
 * parallel, boot-tested, checksummed, described in productmd's metadata and published, and
 * resumable: the spec and every kickstart are checked before anything is written; a re-run after
 * an interrupt or a failure resumes the same compose and redoes nothing complete (installs are
 * store hits, outputs are kept when their checksum still matches, passed tests stand, AMIs are
 * found). STATUS ends FINISHED, FINISHED_INCOMPLETE (only failable items failed), DOOMED, or
 * TERMINATED on interrupt.
 */
import { availableParallelism, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { PreparedCache } from '../../targets/prepared-cache.js';
import { withCleanup } from '../../core/cleanup.js';
import { interruptedError, KilnError } from '../../core/errors.js';
import { checkGuestCanReach } from '../../core/guest-access.js';
import { phase } from '../../core/phase.js';
import { KILN_VERSION } from '../../core/version.js';
import type { ImportResult } from '../../providers/koji/index.js';
import type { KojiImportOptions } from '../koji/koji-import.js';
import { checkComposeLabel, composeDate, composeIdentity, composeLayout, loadDropSpec, writeComposeId, writeComposeStatus, finishedStatus, type ComposeStatus, type ComposeType } from '../../compose/index.js';
import { JobResources, type JobContext } from '../resources.js';
import { runGraph } from '../scheduler.js';
import { chooseCompose, reserve } from './compose-dir.js';
import type { DropContext } from './context.js';
import { finalizeDrop } from './finalize.js';
import { planDrop } from './plan.js';
import { DropRecorder, type DropItemRecord, type DropRecord } from './record.js';
import { dropSteps } from './steps.js';
import { checkSigningKey } from './signing-key.js';

export interface DropRequest {
  spec: string;
  outDir: string;
  label?: string;
  type: ComposeType;
  /** Steps at once (default: the host's CPUs). */
  jobs?: number;
  signKey?: string;
  gnupgHome?: string;
  xzLevel?: number;
  /** Overrides the spec's `test:`. */
  test?: 'boot' | 'none';
  installMemoryMiB?: number;
  testMemoryMiB?: number;
  testTimeoutS?: number;
  /** The compose date (default: today, local time, as Pungi). */
  date?: Date;
  /** Import every image of the compose into Koji once it is FINISHED or FINISHED_INCOMPLETE. */
  koji?: KojiImportOptions;
}

export interface DropResult {
  composeId: string;
  dir: string;
  status: ComposeStatus;
  resumed: boolean;
  items: DropItemRecord[];
  /** The Koji builds, when the request asked for the import. */
  koji?: ImportResult[];
}

export async function runDrop(request: DropRequest, ctx: JobContext): Promise<DropResult> {
  const { regionProblem } = await import('../../providers/aws/regions.js');
  const spec = await loadDropSpec(resolve(ctx.cwd, request.spec), { regionProblem });
  if (spec.publish.ec2) {
    // The AWS profile is the machine's, not the spec's: checked here, before anything is built.
    const { checkProfile } = await import('../../providers/aws/profile.js');
    await checkProfile(spec.publish.ec2.profile, 'publish.ec2.profile');
  }
  if (request.test) spec.test = request.test;
  checkComposeLabel(request.type, request.label, request.type !== 'production');
  if (request.signKey) await checkSigningKey(request.signKey, request.gnupgHome, ctx.signal);
  const outDir = resolve(ctx.cwd, request.outDir);
  if (spec.test === 'boot') {
    // The boot tests boot each output where it is made, under the compose: checked before anything
    // is built (a clone under /root, 0700, would otherwise fail at the first boot test).
    const guest = await withCleanup(ctx.emit, (cleanup) => new JobResources(ctx, cleanup).guestIdentity());
    await checkGuestCanReach(join(outDir, 'compose'), guest, `${outDir}, where the boot tests boot the drop's outputs`);
  }
  const choice = await chooseCompose(outDir, spec, request.type, request.label, composeDate(request.date));
  const identity = (respin: number) => composeIdentity(spec, { date: choice.date, type: request.type, respin, label: request.label });
  const planOptions = { cwd: ctx.cwd, emit: ctx.emit, memoryMiB: request.installMemoryMiB };
  // Every kickstart, TDL and template is resolved before anything is written.
  let plan = await planDrop(spec, identity(choice.respin), planOptions);
  let dir = choice.dir;
  let respin = choice.respin;
  if (!dir) {
    ({ dir, respin } = await reserve(outDir, spec, request.type, choice));
    if (respin !== choice.respin) plan = await planDrop(spec, identity(respin), planOptions);
  }
  const compose = identity(respin);
  const layout = composeLayout(dir, spec.variant);
  const record: DropRecord = choice.record ?? {
    schemaVersion: 1,
    kilnVersion: KILN_VERSION,
    composeId: compose.id,
    variant: spec.variant,
    spec: { file: spec.file, sha256: spec.sha256 },
    type: request.type,
    ...(request.label ? { label: request.label } : {}),
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    items: [],
  };
  // A resumed compose: the outputs and test results stay, this run's steps start afresh.
  for (const r of record.items) {
    r.steps = {};
    delete r.error;
  }
  for (const item of plan.items) {
    if (!record.items.some((r) => `${r.image} ${r.arch}` === item.id)) {
      const [image, arch] = item.id.split(' ');
      record.items.push({ image: image!, arch: arch!, subvariant: item.image.subvariant, version: item.version, release: item.release, failable: item.failable, steps: {}, outputs: [], amis: [] });
    }
  }
  const recorder = new DropRecorder(layout.kilnFile, record);
  await writeComposeId(layout, compose.id);
  await writeComposeStatus(layout, 'STARTED');
  await recorder.save();
  ctx.emit({ type: 'message', level: 'info', text: `${choice.record ? 'resuming' : 'starting'} compose ${compose.id} in ${dir}` });

  return withCleanup(ctx.emit, async (cleanup) => {
    const prepared = new PreparedCache(join(layout.root, 'work', '.prepared'));
    cleanup.push('prepared images', () => prepared.dispose());
    const d: DropContext = {
      spec, compose, layout, plan, recorder, bases: new Map(), prepared, diskTests: new Map(),
      res: new JobResources(ctx, cleanup),
      settings: { xzLevel: request.xzLevel ?? 6, test: { timeoutS: request.testTimeoutS ?? 900, memoryMiB: request.testMemoryMiB ?? 1024 } },
    };
    const { steps, meta } = dropSteps(d);
    const outcomes = await runGraph(steps, {
      jobs: request.jobs ?? Math.max(2, availableParallelism()),
      memoryBudgetMiB: Math.floor((totalmem() / 1024 / 1024) * 0.7),
      signal: ctx.signal,
      onChange(id, state, detail) {
        const m = meta.get(id)!;
        for (const row of m.rows) {
          const item = recorder.item(row);
          item.steps[m.phase] = { state, detail };
          ctx.emit({ type: 'step', row, step: m.phase, state, detail });
        }
        void recorder.save();
      },
    });
    for (const [id, outcome] of outcomes) {
      const m = meta.get(id)!;
      for (const row of m.rows) {
        const item = recorder.item(row);
        item.steps[m.phase] = { state: outcome.state, ms: Math.round(outcome.ms), detail: outcome.error?.message ?? (outcome.because ? `${outcome.because} failed` : undefined) };
        if (outcome.state === 'failed' && outcome.error) item.error = { code: outcome.error.code, message: outcome.error.message };
      }
    }
    await finalizeDrop(d, { signKey: request.signKey, gnupgHome: request.gnupgHome });
    const failed = record.items.filter((i) => Object.values(i.steps).some((s) => s.state === 'failed' || s.state === 'skipped'));
    const status: ComposeStatus = ctx.signal.aborted ? 'TERMINATED' : finishedStatus({ required: failed.filter((i) => !i.failable).length, failable: failed.filter((i) => i.failable).length });
    await writeComposeStatus(layout, status);
    await recorder.save();
    if (status === 'TERMINATED') throw interruptedError(ctx.signal.reason);
    const result: DropResult = { composeId: compose.id, dir, status, resumed: Boolean(choice.record), items: record.items };
    if (status !== 'DOOMED' && request.koji) {
      const { kojiImportCompose } = await import('../koji/koji-import.js');
      result.koji = await phase('koji-import', ctx.emit, () => kojiImportCompose({ ...request.koji!, dir, storeDir: ctx.storeDir, emit: ctx.emit, signal: ctx.signal })).catch((error: unknown) => {
        // The compose is done and stays; running the drop again would start a new one.
        const e = error instanceof KilnError ? error : undefined;
        throw new KilnError(e?.code ?? 'KOJI_IMPORT_ERROR', `compose ${compose.id} is ${status}, but its Koji import failed: ${(error as Error).message}`, {
          cause: error,
          details: e?.details,
          hint: `${e?.hint ? `${e.hint} ` : ''}Import it again with: kiln koji import ${dir} (the same --hub and credentials).`,
        });
      });
    }
    if (status === 'DOOMED') {
      throw new KilnError('DROP_DOOMED', `compose ${compose.id} is DOOMED: ${failed.filter((i) => !i.failable).map((i) => `${i.image} ${i.arch}`).join(', ')} failed`, {
        fault: 'external',
        details: failed.map((i) => `${i.image} ${i.arch}: ${i.error ? `[${i.error.code}] ${i.error.message}` : 'skipped'}`),
        hint: `Logs: ${resolve(dir, 'logs')}. Run the same command again to finish what is missing.`,
      });
    }
    return result;
  });
}
