/**
 * The test step of a job: every image asked for (files given by the user, or the outputs the
 * job's targets just made) booted and checked, one after another, in scopes of the job's cleanup
 * stack, with the job's libvirt connection and accelerator. The report (report.json per image,
 * and JUnit XML when asked) is written as each image finishes.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { readDropRecord } from './drop/record.js';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import type { Arch } from '../core/arch.js';
import type { Firmware } from '../image/boot-firmware.js';
import type { TargetsRecord } from '../targets/types.js';
import { bootTest, type ImageHints, type MetadataWay } from '../testing/boot-test.js';
import { junitXml, type ImageReport, type TestReport } from '../testing/report.js';
import type { JobResources } from './resources.js';

export interface TestRequest {
  /** Images (or compose directories: every image in them) to test; default: the job's target outputs. */
  images?: string[];
  as?: MetadataWay;
  arch?: Arch;
  user?: string;
  /** Boot each image under each of these, one after another; default: one boot, the firmware its disk boots (BIOS first). */
  firmware?: Firmware[];
  growBytes?: number;
  timeoutS?: number;
  memoryMiB?: number;
  vcpus?: number;
  /** Reports go to <reportDir>/<image file>[-ec2][-<firmware>]/ (the firmware when one was asked for, other than bios). */
  reportDir: string;
  keepOnFailure?: boolean;
  /** Also write JUnit XML here. */
  junit?: string;
}

export const TEST_DEFAULTS = { timeoutS: 600, memoryMiB: 1024, vcpus: 2 };

/**
 * The images to test: files as given; a compose directory kiln made stands for every image in it
 * (its compose images, and the ec2 raws it published, which stay in its work directory).
 */
async function imagesOf(request: TestRequest, targets: TargetsRecord | undefined, cwd: string): Promise<{ path: string; hints?: ImageHints }[]> {
  if (request.images?.length) {
    const out: { path: string; hints?: ImageHints }[] = [];
    for (const given of request.images.map((i) => resolve(cwd, i))) {
      const drop = (await stat(given).then((s) => s.isDirectory(), () => false)) ? await readDropRecord(join(given, 'compose', 'metadata', 'kiln.json')) : undefined;
      if (!drop) {
        out.push({ path: given });
        continue;
      }
      for (const item of drop.items) {
        const arch = item.arch === 'i386' ? 'i686' : 'x86_64';
        for (const o of item.outputs) {
          const hints = { arch, user: o.cloudUser, target: o.target } as const;
          if (o.path) out.push({ path: join(given, 'compose', o.path), hints });
          else if (o.target === 'ec2' && o.test !== undefined) out.push({ path: o.work, hints });
        }
      }
    }
    return out;
  }
  if (!targets) throw usageError('nothing to test: give the images, or make targets in the same job');
  const dir = dirname(targets.recordFile);
  return targets.outputs.map((o) => ({ path: join(dir, o.file) }));
}

export async function testStep(request: TestRequest, targets: TargetsRecord | undefined, res: JobResources): Promise<TestReport> {
  const { ctx } = res;
  const images = await imagesOf(request, targets, ctx.cwd);
  if (images.length === 0) throw usageError('nothing to test: the compose has no tested images yet');
  const reportDir = resolve(ctx.cwd, request.reportDir);
  await mkdir(reportDir, { recursive: true });
  const reports: ImageReport[] = [];
  for (const { path: image, hints } of images) for (const firmware of request.firmware ?? [undefined]) {
    const as = request.as ?? (hints?.target === 'ec2' ? 'ec2' : undefined);
    const report = await bootTest({
      image,
      hints,
      as,
      arch: request.arch,
      user: request.user,
      firmware,
      growBytes: request.growBytes,
      timeoutS: request.timeoutS ?? TEST_DEFAULTS.timeoutS,
      memoryMiB: request.memoryMiB ?? TEST_DEFAULTS.memoryMiB,
      vcpus: request.vcpus ?? TEST_DEFAULTS.vcpus,
      reportDir: join(reportDir, `${basename(image)}${as === 'ec2' ? '-ec2' : ''}${firmware && firmware !== 'bios' ? `-${firmware}` : ''}`),
      keepOnFailure: request.keepOnFailure ?? false,
      hypervisor: res.hypervisor,
      domainType: async () => (await res.accelerator()).domainType,
      emit: ctx.emit,
      signal: ctx.signal,
      cleanup: res.cleanup,
    });
    reports.push(report);
    ctx.emit({ type: 'message', level: report.passed ? 'info' : 'warn', code: report.passed ? undefined : 'TEST_FAILED', text: `boot test of ${basename(image)} (${report.firmware}): ${report.passed ? 'passed' : 'FAILED'}` });
  }
  const result: TestReport = { passed: reports.every((r) => r.passed), images: reports };
  await writeFile(join(reportDir, 'report.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (request.junit) await writeFile(resolve(ctx.cwd, request.junit), junitXml(result));
  return result;
}
