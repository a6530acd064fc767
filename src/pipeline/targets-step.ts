/**
 * The targets step of a job: the base image into the requested outputs (cloud prep, conversions,
 * checksums), in a scope of the job's cleanup stack, with the job's accelerator for libguestfs.
 */
import { resolve } from 'node:path';
import type { Arch } from '../core/arch.js';
import type { BaseImage } from '../store/store.js';
import { runTargets } from '../targets/run-targets.js';
import { pickTargets, targetRegistry, type TargetOptionsInput } from '../targets/registry.js';
import type { Target, TargetsRecord } from '../targets/types.js';
import type { JobResources } from './resources.js';

export interface TargetsRequest {
  /** Target names, in order (validated: unknown names are a usage error). */
  names: readonly string[];
  outDir: string;
  /** Output name and version (default: the base image's). */
  name?: string;
  version?: string;
  options?: TargetOptionsInput;
  /** Cloud prep (default true). */
  prep?: boolean;
  /** Rebuild outputs even when identical ones are already there. */
  force?: boolean;
}

/** Checks names and options before anything is installed (a usage error names the option). */
export function checkTargets(request: TargetsRequest, arch: Arch): void {
  for (const name of pickTargets(request.names)) {
    (targetRegistry[name] as unknown as Target<object>).options(request.options?.[name] as Partial<object> | undefined, arch);
  }
}

export async function runTargetsStep(request: TargetsRequest, base: BaseImage, res: JobResources): Promise<TargetsRecord> {
  const { ctx } = res;
  return runTargets({
    base,
    targets: request.names,
    outDir: resolve(ctx.cwd, request.outDir),
    name: request.name,
    version: request.version,
    accel: (await res.accelerator()).accel,
    options: request.options,
    prep: request.prep,
    force: request.force,
    emit: ctx.emit,
    signal: ctx.signal,
    cleanup: res.cleanup,
  });
}
