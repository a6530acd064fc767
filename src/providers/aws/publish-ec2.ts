/**
 * Publishing a raw image to EC2, start to end: validate (nothing created on bad input), hash the
 * image, find what earlier runs made, upload the snapshot (EBS direct or ImportSnapshot) unless
 * one exists, register the AMI, copy it to the other regions, make everything public if asked.
 * Every created resource goes into a ledger; on any failure the ledger deletes it (or tags it
 * kiln:orphan and lists it in the error).
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { KilnError, interruptedError, isKilnError } from '../../core/errors.js';
import { silent, type Emit } from '../../core/events.js';
import { sha256File, sha256FromSidecar } from '../../core/hash.js';
import { phase } from '../../core/phase.js';
import { readSparseMap } from '../../image/sparse-map.js';
import { createAwsClients, type AwsClients } from './clients.js';
import { copyToRegions } from './distribute.js';
import { findImage, findSnapshots, pickSnapshot } from './find-existing.js';
import { ResourceLedger, orphanDetails, type CleanupReport } from './orphans.js';
import { checkProfile } from './profile.js';
import { makePublic } from './permissions.js';
import { registerImage } from './register.js';
import { uploadEbsSnapshot } from './snapshot-ebs.js';
import { importSnapshot } from './snapshot-import.js';
import { kilnTags, type Tag } from './tags.js';
import { DEFAULT_TIMING, type PublishEc2Options, type PublishResult, type PublishTiming, type RegionImage, type ResourceState, type UploadStats } from './types.js';
import { checkRegion, inspectImage, validateOptions, type ImageFacts } from './validate.js';
import { waitImageAvailable, waitSnapshotCompleted } from './wait.js';

interface Run {
  o: PublishEc2Options;
  emit: Emit;
  timing: PublishTiming;
  clients: AwsClients;
  ledger: ResourceLedger;
  facts: ImageFacts;
  sha256: string;
  tags: Tag[];
  sourceRegion: string;
  copyRegions: string[];
  token: string;
}

/** Publishes `options.image`; re-running with the same image and name creates nothing new. */
export async function publishEc2(options: PublishEc2Options): Promise<PublishResult> {
  return withRun(options, async (run) => {
    try {
      const result = await publishSteps(run);
      return result;
    } catch (error) {
      const report = await run.ledger.cleanup();
      throw withCleanupReport(error, report);
    }
  });
}

/**
 * What is already published for this image and name: every region's AMI, available and tagged
 * with the image's sha256. Undefined when anything is missing. Creates nothing.
 */
export async function isPublishedEc2(options: PublishEc2Options): Promise<PublishResult | undefined> {
  return withRun(options, async (run) => {
    const images: RegionImage[] = [];
    for (const region of [run.sourceRegion, ...run.copyRegions]) {
      const found = await findImage(run.clients.ec2(region), region, run.o.name, run.sha256);
      if (!found || found.state !== 'available' || !found.snapshotId) return undefined;
      if (run.o.public && !found.public) return undefined;
      images.push({ region, imageId: found.imageId, snapshotId: found.snapshotId, state: 'reused', public: found.public });
    }
    return result(run, { id: images[0]!.snapshotId, state: 'reused' }, images);
  });
}

async function withRun<T>(o: PublishEc2Options, body: (run: Run) => Promise<T>): Promise<T> {
  const emit = o.emit ?? silent;
  const timing = { ...DEFAULT_TIMING, ...o.timing };
  // Everything about the request and its AWS settings first: nothing is read, hashed or created
  // for a request that cannot work.
  validateOptions(o);
  // Clients handed in were built already; otherwise the profile they will use must exist.
  if (!o.clients) await checkProfile(o.profile, '--profile');
  const clients = o.clients ?? createAwsClients({ profile: o.profile, endpointUrl: o.endpointUrl, maxSockets: o.workers ?? 64, requestTimeoutMs: timing.requestTimeoutMs });
  try {
    const given = o.region ?? o.regions?.[0];
    const sourceRegion = given ?? (await clients.defaultRegion());
    // Given regions were checked with the options; one from the SDK's configuration is checked here.
    if (given === undefined) checkRegion(sourceRegion, o.endpointUrl);
    const copyRegions = [...new Set(o.regions ?? [])].filter((r) => r !== sourceRegion);
    const facts = await phase('validate', emit, () => inspectImage(o.image, o.arch, o.signal));
    if (o.volumeSizeGiB !== undefined && o.volumeSizeGiB < facts.sizeGiB) {
      throw new KilnError('USAGE', `--volume-size ${o.volumeSizeGiB} is smaller than the image (${facts.sizeGiB} GiB)`, { usage: true, fault: 'user' });
    }
    // The .sha256 kiln wrote beside its own output spares reading the whole image again.
    const sha256 = o.sha256 ?? (await sha256FromSidecar(o.image)) ?? (await phase('hash', emit, () => sha256File(o.image)));
    const ledger = new ResourceLedger(clients, timing, emit);
    return await body({ o, emit, timing, clients, ledger, facts, sha256, tags: kilnTags(sha256, o.name, o.tags, o.compose), sourceRegion, copyRegions, token: randomUUID() });
  } finally {
    if (!o.clients) clients.destroy();
  }
}

async function publishSteps(run: Run): Promise<PublishResult> {
  const { o, emit, clients, sourceRegion } = run;
  const ec2 = clients.ec2(sourceRegion);
  const poll = { intervalMs: run.timing.pollMs, timeoutMs: run.timing.imageWaitMs, signal: o.signal, emit };
  let source: RegionImage;
  let snapshot: PublishResult['snapshot'];
  const existing = await findImage(ec2, sourceRegion, o.name, run.sha256);
  if (existing) {
    emit({ type: 'phase', phase: 'upload', state: 'skip', detail: `AMI ${existing.imageId} exists in ${sourceRegion}` });
    const ready = existing.state === 'available' ? existing : await waitImageAvailable(ec2, existing.imageId, sourceRegion, poll);
    source = { region: sourceRegion, imageId: existing.imageId, snapshotId: ready.snapshotId ?? '', state: 'reused', public: ready.public };
    snapshot = { id: source.snapshotId, state: 'reused' };
  } else {
    snapshot = await phase('upload', emit, () => ensureSnapshot(run));
    const imageId = await phase('register', emit, async () => {
      const id = await registerImage(ec2, sourceRegion, {
        name: o.name,
        description: o.description,
        arch: o.arch,
        snapshotId: snapshot.id,
        rootDeviceName: o.rootDeviceName ?? '/dev/xvda',
        volumeType: o.volumeType ?? 'gp3',
        volumeSizeGiB: o.volumeSizeGiB,
        ena: o.ena ?? true,
        sriov: o.sriov ?? true,
        bootMode: o.bootMode,
        imdsV2: o.imdsV2 ?? false,
        tags: run.tags,
      });
      run.ledger.add({ kind: 'image', region: sourceRegion, id });
      await waitImageAvailable(ec2, id, sourceRegion, poll);
      return id;
    });
    source = { region: sourceRegion, imageId, snapshotId: snapshot.id, state: 'created', public: false };
  }
  const copies = run.copyRegions.length
    ? await phase('copy', emit, () =>
        copyToRegions(
          {
            clients,
            sourceRegion,
            sourceImageId: source.imageId,
            name: o.name,
            sha256: run.sha256,
            description: o.description,
            tags: run.tags,
            encrypted: Boolean(o.encrypted || o.kmsKeyId),
            clientToken: run.token,
            ledger: run.ledger,
            timing: run.timing,
            emit,
            signal: o.signal,
          },
          run.copyRegions,
        ),
      )
    : [];
  let images = [source, ...copies];
  if (o.public) images = await phase('public', emit, () => Promise.all(images.map((image) => makePublic(clients, image))));
  if (o.signal?.aborted) throw interruptedError(o.signal.reason);
  return result(run, snapshot, images);
}

/** The source region's snapshot: an existing one (reused, waited for, resumed) or a new upload. */
async function ensureSnapshot(run: Run): Promise<PublishResult['snapshot']> {
  const { o, emit, sourceRegion } = run;
  const ec2 = run.clients.ec2(sourceRegion);
  const method = o.method ?? 'ebs-direct';
  const encrypted = Boolean(o.encrypted || o.kmsKeyId);
  const found = pickSnapshot(await findSnapshots(ec2, sourceRegion, run.sha256), {
    encrypted,
    kmsKeyId: o.kmsKeyId,
    volumeSizeGiB: run.facts.sizeGiB,
    canResume: method === 'ebs-direct',
    public: Boolean(o.public),
  });
  const poll = { intervalMs: run.timing.pollMs, timeoutMs: run.timing.snapshotWaitMs, signal: o.signal, emit };
  if (found?.action === 'reuse') {
    emit({ type: 'message', level: 'info', code: 'SNAPSHOT_REUSED', text: `reusing snapshot ${found.snapshotId}` });
    return { id: found.snapshotId, state: 'reused' };
  }
  if (found?.action === 'wait') {
    emit({ type: 'message', level: 'info', code: 'SNAPSHOT_REUSED', text: `waiting for snapshot ${found.snapshotId} from an earlier run` });
    await waitSnapshotCompleted(ec2, found.snapshotId, sourceRegion, poll);
    return { id: found.snapshotId, state: 'reused' };
  }
  const description = o.description ?? `${o.name} (${basename(o.image)}, kiln)`;
  if (method === 'import-snapshot') {
    const { snapshotId, stats } = await importSnapshot({
      clients: run.clients, region: sourceRegion, imagePath: o.image, size: run.facts.size, bucket: o.bucket!, sha256: run.sha256,
      description, tags: run.tags, encrypted, kmsKeyId: o.kmsKeyId, clientToken: `${run.token}-import`, ledger: run.ledger,
      timing: run.timing, emit, signal: o.signal,
    });
    return { id: snapshotId, state: 'created', upload: stats };
  }
  const map = await readSparseMap(o.image, { format: 'raw', signal: o.signal });
  const upload = (resume?: { snapshotId: string; encrypted: boolean }) =>
    uploadEbsSnapshot({
      clients: run.clients, region: sourceRegion, imagePath: o.image, map, volumeSizeGiB: run.facts.sizeGiB, description,
      tags: run.tags, encrypted, kmsKeyId: o.kmsKeyId, workers: o.workers ?? 64, clientToken: run.token, resume,
      ledger: run.ledger, timing: run.timing, emit, signal: o.signal,
    });
  if (found?.action === 'resume') {
    emit({ type: 'message', level: 'info', code: 'SNAPSHOT_RESUMED', text: `resuming snapshot ${found.snapshotId} left pending by an interrupted run` });
    try {
      const { snapshotId, stats } = await upload({ snapshotId: found.snapshotId, encrypted: found.encrypted });
      return { id: snapshotId, state: 'resumed', upload: stats };
    } catch (error) {
      if (o.signal?.aborted) throw error;
      // It may have timed out on EBS's side (cancelled after 60 min idle): start afresh.
      emit({ type: 'message', level: 'warn', code: 'SNAPSHOT_RESUME_FAILED', text: `could not resume ${found.snapshotId} (${(error as Error).message}); starting a new snapshot` });
    }
  }
  const { snapshotId, stats } = await upload();
  return { id: snapshotId, state: 'created', upload: stats };
}

function result(run: Run, snapshot: { id: string; state: ResourceState; upload?: UploadStats }, images: RegionImage[]): PublishResult {
  return { name: run.o.name, sha256: run.sha256, arch: run.o.arch, method: run.o.method ?? 'ebs-direct', sourceRegion: run.sourceRegion, snapshot, images };
}

/** The run's error, with what could not be cleaned up listed in its details. */
function withCleanupReport(error: unknown, report: CleanupReport): unknown {
  if (report.orphans.length === 0) return error;
  const base = isKilnError(error) ? error : new KilnError('AWS_PUBLISH_FAILED', error instanceof Error ? error.message : String(error), { cause: error });
  return new KilnError(base.code, base.message, {
    cause: base.cause ?? error,
    fault: base.fault,
    usage: base.usage,
    hint: `${base.hint ? `${base.hint} ` : ''}Resources kiln could not delete are tagged kiln:orphan; delete them by hand.`,
    details: [...base.details, ...orphanDetails(report)],
  });
}
