/**
 * The local AWS-compatible endpoint (test/fixtures/aws-endpoint) for one test file: started before
 * its tests, emptied before each, with real SDK clients pointed at it and credentials to sign
 * with. Tests drive the real publisher over HTTP and check what the endpoint holds afterwards.
 */
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src/providers/aws/clients.js';
import type { PublishTiming } from '../../../src/providers/aws/types.js';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from '../../fixtures/aws-endpoint/server.js';
import type { FxImage, FxSnapshot, FxState } from '../../fixtures/aws-endpoint/state.js';

export const fastTiming: Partial<PublishTiming> = { pollMs: 1, backoffBaseMs: 1, backoffMaxMs: 2, requestTimeoutMs: 2_000, attempts: 4 };

export interface FakeAws {
  readonly fx: FakeAwsEndpoint;
  readonly state: FxState;
  readonly url: string;
  /** Clients on the endpoint; the SDK's own retries cut to 2 attempts so failures come quickly. */
  readonly clients: AwsClients;
}

/** Registers the hooks of a test file that talks to the local endpoint. */
export function useFakeAws(): FakeAws {
  let fx: FakeAwsEndpoint | undefined;
  let clients: AwsClients | undefined;
  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFIXTURE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fixture-secret');
    fx = await startFakeAwsEndpoint();
    clients = createAwsClients({ endpointUrl: fx.url, maxSockets: 8, maxAttempts: 2 });
  });
  afterAll(async () => {
    clients?.destroy();
    await fx?.close();
    vi.unstubAllEnvs();
  });
  beforeEach(() => {
    fx!.state.reset();
    fx!.state.pendingPolls = 1;
  });
  return {
    get fx() {
      return fx!;
    },
    get state() {
      return fx!.state;
    },
    get url() {
      return fx!.url;
    },
    get clients() {
      return clients!;
    },
  };
}

/** Operations that create something in AWS (permissions are checked apart: adding one twice is a no-op). */
const CREATING = new Set(['StartSnapshot', 'PutSnapshotBlock', 'CompleteSnapshot', 'RegisterImage', 'CopyImage', 'CreateTags', 'ImportSnapshot', 'PutObject', 'CreateMultipartUpload', 'UploadPart']);

export function createdSomething(state: FxState): string[] {
  return state.ops().filter((op) => CREATING.has(op));
}

/** A snapshot an earlier run left (completed unless said otherwise). */
export function seedSnapshot(state: FxState, s: Partial<FxSnapshot> & { id: string; tags?: Map<string, string> }): FxSnapshot {
  const snapshot: FxSnapshot = {
    region: 'us-east-1', state: 'completed', volumeSize: 1, encrypted: false, tags: new Map(), blocks: new Map(), pendingPolls: 0, publicVolumes: false, completed: true, ...s,
  };
  state.snapshots.set(snapshot.id, snapshot);
  return snapshot;
}

/** An AMI an earlier run published (available, public), with its snapshot. */
export function seedImage(state: FxState, i: Partial<FxImage> & { id: string; name: string; snapshotId: string; sha256: string }): FxImage {
  const { sha256, ...rest } = i;
  const region = i.region ?? 'us-east-1';
  if (!state.snapshots.has(i.snapshotId)) seedSnapshot(state, { id: i.snapshotId, region, tags: new Map([['kiln:sha256', sha256]]), publicVolumes: true });
  const image: FxImage = {
    region, state: 'available', rootDeviceName: '/dev/xvda', architecture: 'x86_64', virtualizationType: 'hvm', tags: new Map([['kiln:sha256', sha256]]), public: true, pendingPolls: 0,
    ...rest,
  };
  state.images.set(image.id, image);
  return image;
}
