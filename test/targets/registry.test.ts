import { describe, expect, it } from 'vitest';
import type { KilnError } from '../../src/core/errors.js';
import { pickTargets, targetRegistry } from '../../src/targets/registry.js';

const thrown = (f: () => unknown): KilnError => {
  try {
    f();
  } catch (error) {
    return error as KilnError;
  }
  throw new Error('expected an error');
};

describe('pickTargets', () => {
  it.each([
    [['ec2,openstack'], ['ec2', 'openstack']],
    [['openstack', 'raw-tar-xz,appliance'], ['openstack', 'raw-tar-xz', 'appliance']],
    [[' raw-xz , raw-xz,ec2 '], ['raw-xz', 'ec2']],
  ])('%j → %j', (input, names) => {
    expect(pickTargets(input)).toEqual(names);
  });

  it.each([
    [['vmware'], "unknown target 'vmware'"],
    [['ec2,vmdk,ova'], "unknown targets 'vmdk', 'ova'"],
    [[','], 'no target given'],
  ])('%j is a usage error listing the known targets', (input, message) => {
    const err = thrown(() => pickTargets(input));
    expect(err).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(err.message).toBe(message);
    // The hint names every target kiln makes, and each one it names is accepted.
    const named = Object.keys(targetRegistry).filter((name) => new RegExp(`(^|[\\s,:])${name}([\\s,.]|$)`).test(err.hint!));
    expect(named).toEqual(Object.keys(targetRegistry));
    expect(pickTargets(named)).toEqual(named);
  });
});

describe('target options', () => {
  it.each([
    ['openstack', { compat: '2' }, /invalid openstack qcow2 compat '2'/],
    ['openstack', { colour: 'blue' }, /no option colour/],
    ['raw-tar-xz', { level: 12 }, /invalid xz level '12'/],
    ['ec2', { compat: '1.1' }, /the ec2 target has no option compat/],
    ['appliance', { memoryMiB: 0 }, /invalid appliance memory \(MiB\) '0'/],
    ['appliance', { vcpus: 1.5 }, /invalid appliance vcpus '1.5'/],
    ['appliance', { diskFormat: 'vmdk' }, /invalid appliance disk format 'vmdk'/],
    ['appliance', { disks: [{ use: 'system', sizeMiB: 1 }] }, /invalid appliance disk use 'system'/],
  ] as const)('%s %j is a usage error', (name, raw, message) => {
    const err = thrown(() => targetRegistry[name].options(raw as never, 'x86_64'));
    expect(err).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(err.message).toMatch(message);
  });
});
