/** `kiln appliance list`: every instance with its appliance, version, state and disks. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withCleanup } from '../../core/cleanup.js';
import { formatBytes } from '../../core/units.js';
import { listRecords, type InstanceRecord } from '../../appliance/instance-record.js';
import { defaultInstancesDir, instanceDir } from '../../appliance/instance-root.js';
import { JobResources, type JobContext } from '../resources.js';

export interface InstanceRow {
  name: string;
  appliance: string;
  version: string;
  /** The domain's state (running, shut-off…), or what a cut-short command left (creating, updating, removing), or removed (data kept), or missing (no domain). */
  state: string;
  disks: { target: string; use: string; file: string; bytes: number }[];
  dir: string;
}

export async function listAppliances(request: { instancesDir?: string }, ctx: JobContext): Promise<InstanceRow[]> {
  const root = request.instancesDir ?? defaultInstancesDir(ctx.storeDir);
  const records = await listRecords(root);
  if (records.length === 0) return [];
  return withCleanup(ctx.emit, async (cleanup) => {
    // Each instance's domain is looked up where it was deployed (one connection per URI), unless --connect says otherwise.
    const connections = new Map<string, JobResources>();
    const resFor = (r: InstanceRecord) => {
      const uri = ctx.connect ?? r.uri;
      if (!connections.has(uri)) connections.set(uri, new JobResources({ ...ctx, connect: uri }, cleanup));
      return connections.get(uri)!;
    };
    const rows: InstanceRow[] = [];
    for (const r of records) rows.push(await row(root, r, resFor(r)));
    return rows;
  });
}

async function row(root: string, r: InstanceRecord, res: JobResources): Promise<InstanceRow> {
  const dir = instanceDir(root, r.name);
  let state: string = r.state;
  if (r.state === 'ready') {
    const domain = await (await res.hypervisor()).lookupDomain({ uuid: r.domain.uuid }).catch(() => undefined);
    const s = domain ? await domain.state() : 'gone';
    state = s === 'gone' ? 'missing' : s;
  } else if (r.state === 'removed') state = 'removed (data kept)';
  const disks = [];
  for (const d of r.disks) {
    const path = join(d.shared ? join(root, 'images', r.appliance.name, r.appliance.key) : dir, d.file);
    const s = await stat(path).catch(() => undefined);
    disks.push({ target: d.target, use: d.use, file: path, bytes: s ? s.blocks * 512 : 0 });
  }
  return { name: r.name, appliance: r.appliance.name, version: [r.appliance.version, r.appliance.release].filter(Boolean).join('-') || r.appliance.key, state, disks, dir };
}

export const LIST_HEADERS = ['NAME', 'APPLIANCE', 'VERSION', 'STATE', 'DISKS'];

export function listRows(rows: InstanceRow[]): string[][] {
  return rows.map((r) => [r.name, r.appliance, r.version, r.state, r.disks.map((d) => `${d.target} ${d.use} ${formatBytes(d.bytes)}`).join(', ')]);
}
