/**
 * Persistent domains (what an appliance deployment defines) and the host's capabilities, against
 * libvirt's test driver (test:///default): define, start, shut down, redefine, undefine, look up.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHypervisor, type DomainSpec, type Hypervisor } from '../../../hypervisor/index.js';

const URI = 'test:///default';

function spec(name: string, extra: Partial<DomainSpec> = {}): DomainSpec {
  return {
    name,
    type: 'qemu',
    arch: 'i686',
    memoryMiB: 256,
    vcpus: 1,
    boot: { device: 'hd' },
    disks: [{ path: '/var/lib/kiln-test/system.qcow2', format: 'qcow2' }],
    network: { model: 'virtio', mac: '52:54:00:12:34:56' },
    lifecycle: { poweroff: 'destroy', reboot: 'restart', crash: 'restart' },
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

describe('persistent domains', () => {
  it('defines a domain that stays when it stops, starts and shuts it down, then undefines it', async () => {
    const uuid = randomUUID();
    const domain = await hv.defineDomain(spec('kiln-unit-persistent', { uuid }));
    expect(domain.uuid).toBe(uuid);
    expect(await domain.state()).toBe('shut-off');
    expect(await hv.listDomains()).toContain('kiln-unit-persistent');

    await domain.start();
    expect(await domain.state()).toBe('running');
    const stopped = domain.waitForStop();
    await domain.shutdown();
    expect((await stopped).detail).toMatch(/shutdown|gone/);
    expect(await domain.state()).toBe('shut-off');
    // Still defined after the stop: a deployment, not a build guest.
    expect(await hv.listDomains()).toContain('kiln-unit-persistent');
    await domain.shutdown(); // not running: a no-op

    const found = await hv.lookupDomain({ uuid });
    expect(found?.name).toBe('kiln-unit-persistent');
    expect(found?.xml).toContain('<on_reboot>restart</on_reboot>');
    expect((await hv.lookupDomain({ name: 'kiln-unit-persistent' }))?.uuid).toBe(uuid);

    await domain.undefine();
    await domain.undefine(); // idempotent
    expect(await hv.lookupDomain({ uuid })).toBeUndefined();
    expect(await domain.state()).toBe('gone');
  });

  it('redefines a domain with the same name and UUID (new memory), keeping it one domain', async () => {
    const uuid = randomUUID();
    const first = await hv.defineDomain(spec('kiln-unit-redefine', { uuid }));
    const second = await hv.defineDomain(spec('kiln-unit-redefine', { uuid, memoryMiB: 512 }));
    expect(second.uuid).toBe(first.uuid);
    expect(await second.getXml()).toMatch(/<memory unit='KiB'>524288<\/memory>/);
    await second.undefine();
  });

  it('refuses a second domain of the same name (another UUID)', async () => {
    const first = await hv.defineDomain(spec('kiln-unit-same-name'));
    await expect(hv.defineDomain(spec('kiln-unit-same-name'))).rejects.toMatchObject({ code: 'LIBVIRT', operation: 'virDomainDefineXML' });
    await first.undefine();
  });

  it('looks up a domain that does not exist as undefined', async () => {
    expect(await hv.lookupDomain({ name: 'kiln-unit-nosuch' })).toBeUndefined();
  });
});

describe('capabilities', () => {
  it("returns libvirt's capabilities XML with the guests it runs", async () => {
    const caps = await hv.capabilities();
    expect(caps).toContain('<capabilities>');
    expect(caps).toMatch(/<os_type>hvm<\/os_type>/);
  });

  it('reports that the test driver has no domain capabilities as a libvirt error', async () => {
    await expect(hv.domainCapabilities({ arch: 'i686', virtType: 'test' })).rejects.toMatchObject({ code: 'LIBVIRT', operation: 'virConnectGetDomainCapabilities' });
  });
});
