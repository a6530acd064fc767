/**
 * The libvirt binding against libvirt's test driver (test:///default): in-process, no daemon,
 * but the real libvirt.so.0, its event loop and its errors.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDomainXml,
  HypervisorError,
  LibvirtErrorCode,
  openHypervisor,
  type DomainSpec,
  type Hypervisor,
  type LifecycleEvent,
} from '../../../hypervisor/index.js';
import { LibvirtConnection } from '../../../hypervisor/libvirt/connection.js';
import { LibvirtDomain, LifecycleRecord } from '../../../hypervisor/libvirt/domain.js';
import { eventLoopRunning } from '../../../hypervisor/libvirt/event-loop.js';

const URI = 'test:///default';
// The test driver does not support VIR_DOMAIN_START_AUTODESTROY.
const NO_AUTODESTROY = { autoDestroy: false };

function spec(name: string, extra: Partial<DomainSpec> = {}): DomainSpec {
  return {
    name,
    type: 'qemu',
    arch: 'x86_64',
    memoryMiB: 256,
    vcpus: 1,
    boot: { kernel: '/boot/vmlinuz', cmdline: 'console=ttyS0' },
    disks: [{ path: '/var/lib/kiln-test/disk.qcow2', format: 'qcow2', discard: 'unmap' }],
    network: { model: 'virtio' },
    rng: true,
    ...extra,
  };
}

let hv: Hypervisor;
beforeAll(async () => {
  hv = await openHypervisor({ uri: URI });
});
afterAll(async () => {
  await hv.close();
});

describe('connection', () => {
  it('opens the URI it was given and lists the driver’s own domain', async () => {
    expect(hv.uri).toBe(URI);
    expect(await hv.listDomains()).toContain('test');
  });

  it.each([
    // libvirt hands a scheme it has no driver for to its daemon: NO_CONNECT when one answers,
    // SYSTEM_ERROR (no socket) when none runs — either way libvirt's own code comes through.
    ['an unknown scheme', 'nosuch:///x', [LibvirtErrorCode.NO_CONNECT, LibvirtErrorCode.SYSTEM_ERROR]],
    ['a daemon socket nobody listens on', 'qemu+unix:///system?socket=/nonexistent/kiln-libvirt-sock', [LibvirtErrorCode.SYSTEM_ERROR]],
  ])('refuses %s with libvirt’s error code', async (_what, uri, codes) => {
    const error = await openHypervisor({ uri }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HypervisorError);
    expect(error).toMatchObject({ code: 'LIBVIRT', operation: 'virConnectOpen' });
    expect(codes).toContain((error as HypervisorError).libvirtCode);
    expect((error as Error).message).toContain(uri);
  });

  it('stops the event loop when the last connection closes, and refuses calls after close', async () => {
    const second = await openHypervisor({ uri: URI });
    await second.close();
    expect(eventLoopRunning()).toBe(true); // hv is still open
    await second.close(); // idempotent
    await expect(second.listDomains()).rejects.toMatchObject({ code: 'CLOSED' });

    await hv.close();
    expect(eventLoopRunning()).toBe(false);
    hv = await openHypervisor({ uri: URI });
    expect(eventLoopRunning()).toBe(true);
  });
});

describe('transient domains', () => {
  it('creates a domain from the spec, reports its events, destroys it', async () => {
    const uuid = randomUUID();
    const domain = await hv.createTransient(spec('kiln-unit-create', { uuid }), NO_AUTODESTROY);
    expect(domain.name).toBe('kiln-unit-create');
    expect(domain.uuid).toBe(uuid);
    expect(domain.xml).toContain(`<uuid>${uuid}</uuid>`);
    expect(await hv.listDomains()).toContain('kiln-unit-create');
    expect(await domain.isActive()).toBe(true);

    const seen: LifecycleEvent[] = [];
    await new Promise<void>((resolve) =>
      domain.onLifecycle((e) => {
        seen.push(e);
        if (e.event === 'started') resolve();
      }),
    );
    expect(seen).toEqual([{ event: 'started', detail: 'booted' }]);

    const stopped = domain.waitForStop();
    await domain.destroy();
    expect(await stopped).toEqual({ detail: 'destroyed' });
    expect(seen.at(-1)).toEqual({ event: 'stopped', detail: 'destroyed' });

    // A late subscriber first gets what already happened (STARTED often arrives before
    // createTransient resolves, so nobody could have subscribed in time).
    const late: LifecycleEvent[] = [];
    domain.onLifecycle((e) => late.push(e));
    expect(late).toEqual(seen);
    expect(await domain.isActive()).toBe(false);
    expect(await hv.listDomains()).not.toContain('kiln-unit-create');
  });

  it('destroy is idempotent and waitForStop resolves at once after the stop', async () => {
    const domain = await hv.createTransient(spec('kiln-unit-idempotent'), NO_AUTODESTROY);
    await domain.destroy();
    await domain.destroy();
    expect(await domain.waitForStop()).toEqual({ detail: 'destroyed' });
  });

  it('gives the domain a fresh UUID when the spec has none', async () => {
    const a = await hv.createTransient(spec('kiln-unit-uuid-a'), NO_AUTODESTROY);
    const b = await hv.createTransient(spec('kiln-unit-uuid-b'), NO_AUTODESTROY);
    expect(a.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.uuid).not.toBe(b.uuid);
    await Promise.all([a.destroy(), b.destroy()]);
  });

  it('reads block and interface counters (the test driver keeps made-up ones)', async () => {
    const domain = await hv.createTransient(spec('kiln-unit-stats'), NO_AUTODESTROY);
    const block = await domain.blockStats('vda');
    expect(Object.values(block).every((n) => typeof n === 'number' && n >= 0)).toBe(true);
    const net = await domain.interfaceStats();
    expect(Object.keys(net)).toEqual(['rxBytes', 'rxPackets', 'rxErrors', 'rxDrop', 'txBytes', 'txPackets', 'txErrors', 'txDrop']);
    await domain.destroy();
  });

  it('returns the live XML', async () => {
    const domain = await hv.createTransient(spec('kiln-unit-xml'), NO_AUTODESTROY);
    const xml = await domain.getXml();
    expect(xml).toContain('<name>kiln-unit-xml</name>');
    expect(xml).toContain("<interface type='user'>");
    await domain.destroy();
  });

  it.each([
    ['a name already in use', () => hv.createTransient(spec('test'), NO_AUTODESTROY), LibvirtErrorCode.OPERATION_FAILED, 'virDomainCreateXML'],
    ['a flag the driver lacks', () => hv.createTransient(spec('kiln-unit-flags'), { autoDestroy: true }), LibvirtErrorCode.INVALID_ARG, 'virDomainCreateXML'],
  ])('turns %s into a libvirt error with its code', async (_what, act, libvirtCode, operation) => {
    const error = await act().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HypervisorError);
    expect(error).toMatchObject({ code: 'LIBVIRT', libvirtCode, operation });
    expect((error as HypervisorError).libvirtMessage).toBeTruthy();
  });

  it.each([
    ['an unknown disk', (d: LibvirtDomain) => d.blockStats('vdz'), 'virDomainBlockStats'],
    ['an unknown interface', (d: LibvirtDomain) => d.interfaceStats('aa:bb:cc:dd:ee:ff'), 'virDomainInterfaceStats'],
  ])('reports stats of %s as INVALID_ARG from libvirt', async (_what, act, operation) => {
    const domain = (await hv.createTransient(spec('kiln-unit-bad-stats'), NO_AUTODESTROY)) as LibvirtDomain;
    await expect(act(domain)).rejects.toMatchObject({ code: 'LIBVIRT', libvirtCode: LibvirtErrorCode.INVALID_ARG, operation });
    await domain.destroy();
  });

  it('reports NO_DOMAIN (42) for a domain that is gone', async () => {
    const domain = await hv.createTransient(spec('kiln-unit-gone'), NO_AUTODESTROY);
    await domain.destroy();
    await expect(domain.getXml()).rejects.toMatchObject({ libvirtCode: LibvirtErrorCode.NO_DOMAIN });
  });

  it('rejects an invalid spec before calling libvirt', async () => {
    await expect(hv.createTransient(spec('bad name'), NO_AUTODESTROY)).rejects.toMatchObject({ code: 'INVALID_SPEC' });
  });

  it('waitForStop rejects when its signal aborts', async () => {
    const domain = await hv.createTransient(spec('kiln-unit-abort'), NO_AUTODESTROY);
    const controller = new AbortController();
    const waiting = domain.waitForStop(controller.signal);
    controller.abort(new Error('user pressed Ctrl-C'));
    await expect(waiting).rejects.toThrow('user pressed Ctrl-C');
    await domain.destroy();
  });
});

describe('waitForStop when the connection closes', () => {
  it('rejects with CLOSED instead of waiting forever', async () => {
    const own = await openHypervisor({ uri: URI });
    const domain = await own.createTransient(spec('kiln-unit-close-wait'), NO_AUTODESTROY);
    const outcome = domain.waitForStop().catch((e: unknown) => e);
    await own.close();
    expect(await outcome).toMatchObject({ code: 'CLOSED' });
  });
});

describe('waitForStop without the event', () => {
  it('still resolves when the domain stopped before anyone listened', async () => {
    // A domain whose lifecycle record never hears of it (as if the STOPPED event had been lost):
    // waitForStop must find out by asking libvirt after subscribing.
    const connection = await LibvirtConnection.open(URI);
    try {
      const uuid = randomUUID();
      const xml = buildDomainXml({ ...spec('kiln-unit-unheard'), uuid });
      const ptr = await connection.createXml(xml, 0);
      const domain = new LibvirtDomain(connection, ptr, 'kiln-unit-unheard', uuid, xml, new LifecycleRecord());
      await domain.destroy();
      expect(await domain.waitForStop()).toEqual({ detail: 'gone' });
    } finally {
      await connection.close();
    }
  });
});
