/**
 * End to end against an AWS-compatible endpoint over HTTP: upload, register, copy, public, re-run
 * idempotent. Always runs: against the repository's local AWS-compatible endpoint (started here),
 * or, when KILN_TEST_AWS_ENDPOINT is set, against that one (an emulator, or a real endpoint with
 * credentials from the SDK's chain):
 *   KILN_TEST_AWS_ENDPOINT=http://127.0.0.1:4566 [KILN_TEST_AWS_REGIONS=us-east-1,us-west-2] npx vitest run …
 * What the test creates is deleted at the end (through the provider's own cleanup).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silent } from '../../src/core/events.js';
import { createAwsClients, isPublishedEc2, publishEc2, type AwsClients, type PublishResult } from '../../src/providers/aws/index.js';
import { ResourceLedger } from '../../src/providers/aws/orphans.js';
import { DEFAULT_TIMING } from '../../src/providers/aws/types.js';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from '../fixtures/aws-endpoint/server.js';

const given = process.env.KILN_TEST_AWS_ENDPOINT;
let endpoint: string;
let local: FakeAwsEndpoint | undefined;
const regions = (process.env.KILN_TEST_AWS_REGIONS ?? 'us-east-1,us-west-2').split(',');
const MiB = 1024 * 1024;

describe('publish ec2 end to end', () => {
  let dir: string;
  let image: string;
  let clients: AwsClients;
  let first: PublishResult | undefined;
  const name = `kiln-e2e-${Date.now()}`;
  const timing = { pollMs: 2_000 };

  beforeAll(async () => {
    if (given) endpoint = given;
    else {
      local = await startFakeAwsEndpoint();
      endpoint = local.url;
      // The local endpoint takes any signed request; the SDK still wants credentials to sign with.
      process.env.AWS_ACCESS_KEY_ID ??= 'kiln-e2e';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'kiln-e2e-secret';
    }
    dir = await mkdtemp(join(tmpdir(), 'kiln-aws-e2e-'));
    image = join(dir, 'disk.raw');
    const fh = await open(image, 'w');
    await fh.truncate(256 * MiB);
    await fh.write(randomBytes(3 * MiB), 0, 3 * MiB, 0);
    await fh.write(randomBytes(MiB), 0, MiB, 200 * MiB);
    await fh.close();
    clients = createAwsClients({ endpointUrl: endpoint });
  });

  afterAll(async () => {
    if (first) {
      const ledger = new ResourceLedger(clients, DEFAULT_TIMING, silent);
      for (const i of first.images) {
        ledger.add({ kind: 'image', region: i.region, id: i.imageId });
        if (i.snapshotId) ledger.add({ kind: 'snapshot', region: i.region, id: i.snapshotId });
      }
      const report = await ledger.cleanup();
      expect(report.orphans).toEqual([]);
    }
    clients?.destroy();
    await local?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`uploads, registers, copies, makes public, and a re-run creates nothing (${given ?? 'the local endpoint'})`, async () => {
    first = await publishEc2({ image, name, arch: 'x86_64', regions, public: true, tags: { purpose: 'kiln-e2e' }, clients, timing });
    expect(first.images.map((i) => i.region)).toEqual(regions);
    for (const i of first.images) {
      expect(i).toMatchObject({ state: 'created', public: true });
      expect(i.imageId).toMatch(/^ami-/);
      expect(i.snapshotId).toMatch(/^snap-/);
    }
    // Only the allocated 4 MiB went up: 8 of 512 blocks.
    expect(first.snapshot.upload).toMatchObject({ blocksSent: 8, blocksTotal: 512 });

    const again = await publishEc2({ image, name, arch: 'x86_64', regions, public: true, clients, timing });
    expect(again.images.map((i) => [i.imageId, i.state])).toEqual(first.images.map((i) => [i.imageId, 'reused']));
    expect(await isPublishedEc2({ image, name, arch: 'x86_64', regions, public: true, clients, timing })).toMatchObject({ images: again.images });
  });
  // Whatever ran it, the resources are gone afterwards (checked in afterAll through the ledger).
});
