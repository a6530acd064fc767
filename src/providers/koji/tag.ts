/**
 * Tags a build (`tagBuild`), as release engineering does with candidate tags. The hub checks the
 * tag's package list and policy at once and hands the tagging to a task that a Koji builder runs;
 * kiln waits for that task. A build already in the tag is left as it is.
 */
import { KilnError, interruptedError } from '../../core/errors.js';
import { info, type Emit } from '../../core/events.js';
import { getTaskInfo, TASK_STATE } from './calls.js';
import type { KojiSession } from './session.js';

export interface TagResult {
  tag: string;
  /** The tagBuild task, when kiln started one. */
  taskId?: number;
  alreadyTagged: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(interruptedError(signal.reason))), { once: true });
  });

export async function tagBuild(s: KojiSession, tag: string, buildId: number, nvr: string, o: { emit: Emit; signal?: AbortSignal; timeoutMs?: number; pollMs?: number }): Promise<TagResult> {
  const tags = await s.call<{ name: string }[]>('listTags', [], { build: buildId }, { idempotent: true, signal: o.signal });
  if (tags.some((t) => t.name === tag)) return { tag, alreadyTagged: true };
  const taskId = await s.call<number>('tagBuild', [tag, buildId], undefined, { signal: o.signal });
  info(o.emit, `tagging ${nvr} into ${tag}: Koji task ${taskId} (run by a Koji builder)`);
  const deadline = Date.now() + (o.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const task = await getTaskInfo(s, taskId, { signal: o.signal });
    if (task?.state === TASK_STATE.CLOSED) return { tag, taskId, alreadyTagged: false };
    if (task?.state === TASK_STATE.FAILED || task?.state === TASK_STATE.CANCELED) {
      // getTaskResult raises the task's fault, which says why.
      const why = await s.call('getTaskResult', [taskId], undefined, { signal: o.signal }).then(
        () => 'no reason given',
        (error: unknown) => (error as Error).message,
      );
      throw new KilnError('KOJI_TAG_FAILED', `tagging ${nvr} into ${tag} failed (Koji task ${taskId}): ${why}`, { fault: 'external' });
    }
    if (Date.now() > deadline) {
      throw new KilnError('KOJI_TAG_TIMEOUT', `Koji task ${taskId} (tag ${nvr} into ${tag}) did not finish in time`, {
        fault: 'external',
        hint: 'Tag tasks are run by Koji builders: check that one is up (koji list-hosts). The build itself is imported.',
      });
    }
    await sleep(o.pollMs ?? 1000, o.signal);
  }
}
