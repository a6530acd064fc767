/**
 * Storage devices the installer attaches before partitioning: iSCSI, FCoE, zFCP, NVDIMM, HMC,
 * Stratis, and the device-mapper commands Anaconda dropped (dmraid, multipath, device,
 * deviceprobe). Follows pykickstart's commands/iscsi.py, fcoe.py, zfcp.py, nvdimm.py, dmraid.py …
 */
import { choice, cmd, flag, int, str, type CommandSpec } from './types.js';

export const deviceCommands: CommandSpec[] = [
  cmd('nvdimm', [str('--namespace'), choice('--mode', ['sector']), int('--sectorsize'), str('--blockdevs')], {
    multiple: true,
    since: 'F28',
    deprecated: 'F40/-',
    removed: 'F45/-',
    args: { min: 1, max: 1, what: 'action (reconfigure or use)' },
    check: (c) => (['reconfigure', 'use'].includes(c.positionals[0] ?? '') ? [] : [`nvdimm: action must be 'reconfigure' or 'use', not '${c.positionals[0]}'`]),
  }),

  cmd('iscsi', [
    str('--target'),
    str('--ipaddr', { required: true }),
    str('--port'),
    str('--user'),
    str('--password', { secret: true }),
    str('--reverse-user'),
    str('--reverse-password', { secret: true }),
    str('--iface', { since: 'F17' }),
  ], { multiple: true }),
  cmd('iscsiname', [], { args: { min: 1, max: 1, what: 'iSCSI initiator name' } }),
  cmd('fcoe', [str('--nic', { required: true }), flag('--dcb'), flag('--autovlan'), choice('--mode', ['fabric', 'vn2vn'], { since: 'F28' })], { multiple: true }),
  cmd('zfcp', [str('--devnum', { required: true }), str('--wwpn'), str('--fcplun'), str('--scsiid', { removed: 'F12/RHEL6' }), str('--scsilun', { removed: 'F12/RHEL6' })], { multiple: true }),
  cmd('dmraid', [str('--name', { required: true }), str('--dev', { required: true })], { multiple: true, deprecated: 'F24', removed: 'F34' }),
  cmd('multipath', [str('--name'), str('--device'), str('--rule')], { multiple: true, deprecated: 'F24', removed: 'F34' }),
  cmd('device', [], { multiple: true, freeform: true, deprecated: 'F24', removed: 'F34' }),
  cmd('deviceprobe', [], { freeform: true, deprecated: 'F29', removed: 'F34' }),
  cmd('hmc', [], { since: 'F28' }),
  cmd('stratispool', [], { multiple: true, freeform: true, since: 'F45/-' }),
  cmd('stratisfs', [], { multiple: true, freeform: true, since: 'F45/-' }),
];
