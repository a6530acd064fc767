/**
 * The hypervisor layer against the real libvirt daemon (qemu:///system as root, with TCG): real
 * guests boot the host's Debian kernel (256 MiB). Nothing here polls libvirt for completion:
 * STARTED/STOPPED come from libvirt's event loop.
 * Prints the measured domain create time and event latencies (not asserted).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultUri,
  HypervisorError,
  openHypervisor,
  probeAccelerator,
  type DomainSpec,
  type Hypervisor,
  type LifecycleEvent,
} from '../../hypervisor/index.js';
import { run, spawn } from '../../src/core/run.js';
import { compileLayer } from '../hypervisor/helpers/compile-layer.js';
import { hostKernel, scratchDisk, waitForText } from '../hypervisor/helpers/guest-files.js';
import { INIT_MARKER, poweroffInitramfs } from '../hypervisor/helpers/poweroff-init.js';
import { runner } from '../hypervisor/helpers/runner.js';
import { guestScratch } from './fixtures/scratch.js';

const GUEST_TIMEOUT_MS = 5 * 60_000;

let hv: Hypervisor;
let dir: string;
let kernel: string;
let initramfs: string;
let domainType: DomainSpec['type'];

function uniqueName(what: string): string {
  return `kiln-it-${what}-${randomBytes(3).toString('hex')}`;
}

async function guestSpec(what: string, boot: DomainSpec['boot']): Promise<DomainSpec> {
  const name = uniqueName(what);
  return {
    name,
    type: domainType,
    arch: 'x86_64',
    memoryMiB: 256,
    vcpus: 1,
    boot,
    disks: [{ path: await scratchDisk(dir, `${name}.qcow2`), format: 'qcow2', discard: 'unmap' }],
    network: { model: 'virtio' },
    serialLog: join(dir, `${name}.console.log`),
    channels: [{ name: 'org.fedoraproject.anaconda.log.0', path: join(dir, `${name}.anaconda.log`) }],
    rng: true,
  };
}

/** Records events with the time they reached us. */
function timeline(domain: { onLifecycle(cb: (e: LifecycleEvent) => void): () => void }) {
  const events: Array<LifecycleEvent & { at: number }> = [];
  domain.onLifecycle((e) => events.push({ ...e, at: performance.now() }));
  return events;
}

beforeAll(async () => {
  dir = await guestScratch('kiln-hv-it-');
  kernel = await hostKernel();
  initramfs = await poweroffInitramfs(dir);
  domainType = (await probeAccelerator(runner)).domainType;
  hv = await openHypervisor({});
});

afterAll(async () => {
  await hv?.close();
  await rm(dir, { recursive: true, force: true });
});

describe(`hypervisor on ${defaultUri()}`, () => {
  it('connects to the default URI', () => {
    expect(hv.uri).toBe(process.getuid?.() === 0 ? 'qemu:///system' : 'qemu:///session');
  });

  it('boots a guest whose init powers off: STARTED, then STOPPED(shutdown), console captured', async () => {
    const spec = await guestSpec('poweroff', { kernel, initrd: initramfs, cmdline: 'console=ttyS0 panic=-1' });
    const t0 = performance.now();
    const domain = await hv.createTransient(spec);
    const created = performance.now();
    const events = timeline(domain);
    const { detail } = await domain.waitForStop();
    const resolved = performance.now();

    expect(detail).toBe('shutdown');
    // libvirt's QEMU driver starts QEMU paused, so RESUMED/unpaused comes just before STARTED.
    const names = events.map((e) => `${e.event}/${e.detail}`);
    expect(names).toContain('started/booted');
    expect(names.indexOf('started/booted')).toBeLessThan(names.indexOf('stopped/shutdown'));
    expect(names.at(-1)).toBe('stopped/shutdown');
    const console = await readFile(spec.serialLog!, 'utf8');
    expect(console).toContain('Linux version');
    expect(console).toContain(INIT_MARKER);
    expect((await stat(spec.channels![0]!.path)).isFile()).toBe(true);
    expect(await hv.listDomains()).not.toContain(spec.name);
    expect(await domain.isActive()).toBe(false);
    await domain.destroy(); // already gone: fine

    // The init writes its marker right before it powers off: the console file's last write
    // dates the poweroff closely enough to see how late the STOPPED event reached us.
    const started = events.find((e) => e.event === 'started')!;
    const stoppedAt = performance.timeOrigin + events.at(-1)!.at;
    const lastConsoleWrite = (await stat(spec.serialLog!)).mtimeMs;
    process.stdout.write(
      `[hypervisor] ${domainType} guest: createTransient ${(created - t0).toFixed(0)} ms ` +
        `(STARTED event ${(started.at - created).toFixed(1)} ms after it resolved), boot to poweroff ${((resolved - t0) / 1000).toFixed(1)} s; ` +
        `STOPPED event ${(stoppedAt - lastConsoleWrite).toFixed(0)} ms after the guest's last console write; ` +
        `events ${events.map((e) => `${e.event}/${e.detail}`).join(', ')} (STOPPED received ${new Date(stoppedAt).toISOString()})\n`,
    );
  });

  it('reads stats of a running guest and destroys it: STOPPED(destroyed)', async () => {
    // No initramfs and panic=0: the kernel probes the disk, panics on the missing root, and waits.
    const spec = await guestSpec('destroy', { kernel, cmdline: 'console=ttyS0 panic=0 root=/dev/vda' });
    const domain = await hv.createTransient(spec);
    const events = timeline(domain);
    await waitForText(spec.serialLog!, 'Kernel panic', GUEST_TIMEOUT_MS);

    expect(await domain.isActive()).toBe(true);
    expect(await hv.listDomains()).toContain(spec.name);
    const block = await domain.blockStats('vda');
    expect(block.rdReq).toBeGreaterThan(0);
    expect(block.rdBytes).toBeGreaterThan(0);
    const network = await domain.interfaceStats().catch((e: unknown) => e);
    expect(network).toBeInstanceOf(HypervisorError);
    expect(network).toMatchObject({ code: 'INTERFACE_STATS_UNSUPPORTED', libvirtCode: 1 });

    const stopped = domain.waitForStop();
    const t0 = performance.now();
    await domain.destroy();
    const returned = performance.now();
    expect(await stopped).toEqual({ detail: 'destroyed' });
    const event = events.find((e) => e.event === 'stopped')!;
    expect(event.detail).toBe('destroyed');
    await domain.destroy(); // idempotent
    expect(await hv.listDomains()).not.toContain(spec.name);
    process.stdout.write(
      `[hypervisor] destroy() returned after ${(returned - t0).toFixed(0)} ms; STOPPED event ${(event.at - t0).toFixed(1)} ms after destroy() was called\n`,
    );
  });

  it('a guest kernel panic ends in a stop too (panic=-1, on_reboot=destroy)', async () => {
    const spec = await guestSpec('panic', { kernel, cmdline: 'console=ttyS0 panic=-1 root=/dev/vda' });
    const domain = await hv.createTransient(spec);
    const events = timeline(domain);
    const { detail } = await domain.waitForStop();
    expect(['shutdown', 'crashed']).toContain(detail);
    expect(await readFile(spec.serialLog!, 'utf8')).toContain('Kernel panic');
    expect(await hv.listDomains()).not.toContain(spec.name);
    process.stdout.write(`[hypervisor] panic guest events: ${events.map((e) => `${e.event}/${e.detail}`).join(', ')}\n`);
  });
});

describe('processes using the layer', () => {
  let index: string;
  beforeAll(async () => {
    index = await compileLayer(join(dir, 'layer'));
  });

  async function childScript(name: string, body: string): Promise<string> {
    const script = join(dir, `${name}.mjs`);
    await writeFile(
      script,
      `import { openHypervisor } from ${JSON.stringify(pathToFileURL(index).href)};
const spec = { name: ${JSON.stringify(name)}, type: ${JSON.stringify(domainType)}, arch: 'x86_64', memoryMiB: 256, vcpus: 1,
  boot: { kernel: ${JSON.stringify(kernel)}, cmdline: 'console=ttyS0 panic=0' }, disks: [] };
const hv = await openHypervisor({});
const dom = await hv.createTransient(spec);
${body}
`,
    );
    return script;
  }

  it('exits by itself after destroying its guest and closing', async () => {
    const name = uniqueName('exit');
    const script = await childScript(name, `const stop = dom.waitForStop(); await dom.destroy(); console.log((await stop).detail); await hv.close();`);
    const result = await run(process.execPath, [script], { timeoutMs: 120_000 }); // a hang fails as COMMAND_TIMEOUT
    expect(result.stdout.trim()).toBe('destroyed');
    expect(await hv.listDomains()).not.toContain(name);
  });

  it('leaves no guest behind when it is killed (VIR_DOMAIN_START_AUTODESTROY)', async () => {
    const name = uniqueName('killed');
    const script = await childScript(name, `console.log('running'); await new Promise(() => {});`);
    const child = spawn(process.execPath, [script], { timeoutMs: 120_000 });
    child.catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('running') && resolve());
      child.once('exit', () => reject(new Error('the child exited before its guest ran')));
    });
    expect(await hv.listDomains()).toContain(name);
    child.kill('SIGKILL');
    // The daemon destroys the guest when it sees the client's socket close; give it a moment.
    let names = await hv.listDomains();
    for (let i = 0; i < 100 && names.includes(name); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      names = await hv.listDomains();
    }
    expect(names).not.toContain(name);
  });
});
