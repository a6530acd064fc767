/**
 * A process that used the hypervisor layer must exit by itself once it closed the connection:
 * the event loop pump (a pending async call) would otherwise keep Node alive, or hang it.
 * Runs the layer in a child `node` (transpiled to a temporary directory).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../../src/core/run.js';
import { compileLayer } from '../helpers/compile-layer.js';

let dir: string;
let index: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-hv-exit-'));
  index = await compileLayer(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('exits on its own after close, with the domain events delivered', async () => {
  const script = join(dir, 'child.mjs');
  await writeFile(
    script,
    `import { openHypervisor } from ${JSON.stringify(pathToFileURL(index).href)};
const hv = await openHypervisor({ uri: 'test:///default' });
const dom = await hv.createTransient({ name: 'kiln-exit-child', type: 'qemu', arch: 'x86_64', memoryMiB: 64, vcpus: 1,
  boot: { kernel: '/boot/vmlinuz' }, disks: [] }, { autoDestroy: false });
const events = [];
dom.onLifecycle((e) => events.push(e.event + '/' + e.detail));
const stop = dom.waitForStop();
await dom.destroy();
await stop;
await hv.close();
console.log(JSON.stringify(events));
`,
  );
  // A hang shows up as COMMAND_TIMEOUT.
  const result = await run(process.execPath, [script], { timeoutMs: 30_000 });
  expect(JSON.parse(result.stdout)).toEqual(['started/booted', 'stopped/destroyed']);
  expect(result.exitCode).toBe(0);
});
