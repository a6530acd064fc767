/** How to reach a running instance: its console, SSH through the port forward, its address, VNC. */
import { join } from 'node:path';
import type { InstanceRecord } from '../../appliance/instance-record.js';

export interface Reach {
  console: string;
  consoleLog: string;
  ssh?: string;
  address?: string;
  graphics?: string;
}

/** QEMU's user-mode network gives the first guest this address. */
const USER_NET_GUEST = '10.0.2.15';

export function reachInstance(record: InstanceRecord, dir: string, uri: string, graphics: boolean, keyFile: string): Reach {
  const virsh = `virsh -c ${uri}`;
  const out: Reach = { console: `${virsh} console ${record.domain.name}`, consoleLog: join(dir, 'console.log') };
  if (record.network.kind === 'user') {
    out.ssh = `ssh -i ${join(dir, keyFile)} -p ${record.network.sshPort} ${record.user ?? '<user>'}@127.0.0.1`;
    out.address = `${USER_NET_GUEST} on QEMU's user-mode network (from the host: the SSH forward on 127.0.0.1:${record.network.sshPort})`;
  } else {
    out.address = `MAC ${record.macs[0]} on libvirt network ${record.network.name}: ${virsh} domifaddr ${record.domain.name} --source lease`;
  }
  if (graphics) out.graphics = `${virsh} vncdisplay ${record.domain.name} (host loopback only)`;
  return out;
}
