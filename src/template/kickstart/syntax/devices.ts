/**
 * Storage devices the installer attaches before partitioning: iSCSI, FCoE, zFCP, NVDIMM, and the
 * device-mapper and driver commands Anaconda dropped (dmraid, multipath, device, deviceprobe).
 * Follows pykickstart's commands/iscsi.py, iscsiname.py, fcoe.py, zfcp.py, nvdimm.py, dmraid.py,
 * multipath.py, device.py and deviceprobe.py, release by release.
 */
import { choice, cmd, flag, given, int, since, str, value, type CheckMessage, type CommandSpec } from './types.js';

export const deviceCommands: CommandSpec[] = [
  cmd('nvdimm', [str('--namespace'), str('--blockdevs'), choice('--mode', ['sector']), int('--sectorsize')], {
    multiple: true,
    since: 'F28/RHEL7',
    deprecated: 'F40/-',
    removed: 'F45/RHEL10',
    args: { min: 1, max: 1, what: 'action (reconfigure or use)' },
    check: (c) => {
      const out: CheckMessage[] = [];
      const action = c.positionals[0];
      if (action !== 'reconfigure' && action !== 'use') return [`nvdimm: the action must be 'reconfigure' or 'use', not '${action}'`];
      if (given(c, '--namespace') && given(c, '--blockdevs')) out.push('nvdimm: only one of --namespace and --blockdevs may be given');
      if (action === 'reconfigure' && !given(c, '--namespace')) out.push('nvdimm: reconfigure needs --namespace');
      if (action === 'reconfigure' && value(c, '--mode') === 'sector' && !Number(value(c, '--sectorsize') ?? 0)) out.push('nvdimm: reconfigure --mode=sector needs --sectorsize');
      if (action === 'use' && !given(c, '--namespace') && !given(c, '--blockdevs')) out.push('nvdimm: use needs --namespace or --blockdevs');
      return out;
    },
  }),

  cmd('iscsi', [
    str('--target'),
    str('--ipaddr', { required: true }),
    int('--port'),
    str('--user'),
    str('--password', { secret: true }),
    str('--reverse-user', { since: 'F10' }),
    str('--reverse-password', { since: 'F10', secret: true }),
    str('--iface', { since: 'F17/RHEL6' }),
  ], { multiple: true, since: 'FC6' }),
  cmd('iscsiname', [], { since: 'FC6', args: { min: 1, max: 1, what: 'iSCSI initiator name' } }),
  cmd('fcoe', [str('--nic', { required: true }), flag('--dcb', { since: 'F13' }), flag('--autovlan', { since: 'F28/RHEL7' })], { multiple: true, since: 'F12' }),
  cmd('zfcp', [
    str('--devnum', { required: true }),
    str('--fcplun', { required: true, removed: 'F37/RHEL9' }),
    str('--fcplun', { since: 'F37/RHEL9' }),
    str('--wwpn', { required: true, removed: 'F37/RHEL9' }),
    str('--wwpn', { since: 'F37/RHEL9' }),
    str('--scsiid', { required: true, removed: 'F12/RHEL6' }),
    str('--scsiid', { since: 'F12/RHEL6', deprecated: 'F12/RHEL6', removed: 'F14' }),
    str('--scsilun', { required: true, removed: 'F12/RHEL6' }),
    str('--scsilun', { since: 'F12/RHEL6', deprecated: 'F12/RHEL6', removed: 'F14' }),
  ], {
    multiple: true,
    since: 'FC3/RHEL4',
    check: (c, { version: v }) => {
      if (!since('F37/RHEL9', v)) return [];
      const both = given(c, '--wwpn') && given(c, '--fcplun');
      const neither = !given(c, '--wwpn') && !given(c, '--fcplun');
      return both || neither ? [] : ['zfcp: give --devnum alone, or --devnum with both --wwpn and --fcplun'];
    },
  }),
  cmd('dmraid', [str('--name', { required: true }), str('--dev', { required: true })], { multiple: true, since: 'FC6', deprecated: 'F24', removed: 'F34' }),
  cmd('multipath', [str('--name', { required: true }), str('--device', { required: true }), str('--rule', { required: true })], { multiple: true, since: 'FC6', deprecated: 'F24', removed: 'F34' }),
  // Until F7 (RHEL 5) `device TYPE MODULE`; from F8 `device MODULE`.
  cmd('device', [str('--opts')], { removed: 'F8/RHEL6', args: { min: 2, max: 2, what: 'module type and name' } }),
  cmd('device', [str('--opts')], { multiple: true, since: 'F8/RHEL6', deprecated: 'F24', removed: 'F34', args: { min: 1, max: 1, what: 'module name' } }),
  cmd('deviceprobe', [], { freeform: true, deprecated: 'F29', removed: 'F34' }),
];
