/**
 * The job runner: one request, its steps in order — install (or a base image from the store) →
 * targets (cloud prep inside) → boot test → publish — with one cleanup stack, one accelerator choice and one
 * libvirt connection for all of them. Everything a request can get wrong is checked before the
 * first step starts: a bad kickstart or an unknown target fails in milliseconds, not after an
 * install. `kiln build`, `kiln target` and `kiln publish` are requests to this runner; a drop
 * runs many of its steps through the scheduler.
 */
import { withCleanup } from '../core/cleanup.js';
import { usageError } from '../core/errors.js';
import type { BaseImage } from '../store/store.js';
import type { TargetsRecord } from '../targets/types.js';
import { buildBaseImage } from './install-stage.js';
import { resolveInstall, type InstallRequest } from './install-request.js';
import { JobResources, type JobContext } from './resources.js';
import { checkTargets, runTargetsStep, type TargetsRequest } from './targets-step.js';
import { publishStep, type PublishRequest, type PublishOutcome } from './publish-step.js';
import { testStep, type TestRequest } from './test-step.js';
import type { TestReport } from '../testing/report.js';

export interface JobRequest {
  /** Install a base image (a store hit when the same inputs were built before)… */
  install?: InstallRequest;
  /** …or take one from the store by id or unique prefix. */
  baseId?: string;
  targets?: TargetsRequest;
  /** Boot-test the given images, or the job's target outputs. */
  test?: TestRequest;
  publish?: PublishRequest;
}

export interface JobResult {
  base?: BaseImage;
  storeHit?: boolean;
  buildId?: string;
  targets?: TargetsRecord;
  test?: TestReport;
  published?: PublishOutcome;
}

export async function runJob(request: JobRequest, ctx: JobContext): Promise<JobResult> {
  if (request.install && request.baseId) throw usageError('a job installs a base image or takes one from the store, not both');
  if (request.targets && !request.install && !request.baseId) throw usageError('targets need a base image: install one or name one from the store');
  return withCleanup(ctx.emit, async (cleanup) => {
    const res = new JobResources(ctx, cleanup);
    const resolved = request.install ? await resolveInstall(request.install, ctx) : undefined;
    if (request.targets && resolved) checkTargets(request.targets, resolved.arch);
    const result: JobResult = {};

    if (resolved) {
      const built = await buildBaseImage(resolved, res);
      Object.assign(result, { base: built.base, storeHit: built.storeHit, buildId: built.buildId });
    } else if (request.baseId) {
      result.base = await (await res.store()).resolve(request.baseId);
    }
    if (request.targets) result.targets = await runTargetsStep(request.targets, result.base!, res);
    if (request.test) result.test = await testStep(request.test, result.targets, res);
    // An image that failed its boot test is not published.
    if (request.publish && result.test?.passed !== false) result.published = await publishStep(request.publish, result.targets, res);
    return result;
  });
}
