/** `kiln drop status DIR`: a compose's STATUS and kiln.json, read back. */
import { resolve } from 'node:path';
import { KilnError } from '../../core/errors.js';
import { composeLayout, readComposeStatus } from '../../compose/index.js';
import { readDropRecord, type DropItemRecord } from './record.js';
import { join } from 'node:path';

export interface DropStatus {
  composeId: string;
  dir: string;
  status: string;
  label?: string;
  items: DropItemRecord[];
}

export async function dropStatus(dir: string, cwd: string): Promise<DropStatus> {
  const root = resolve(cwd, dir);
  const record = await readDropRecord(join(root, 'compose', 'metadata', 'kiln.json'));
  if (!record) {
    throw new KilnError('DROP_NOT_FOUND', `${root} is not a compose kiln made (no compose/metadata/kiln.json)`, { usage: true, fault: 'user', hint: 'Give the compose directory, e.g. /srv/composes/Fedora-Cloud-19-20261125.0.' });
  }
  const status = (await readComposeStatus(composeLayout(root, record.variant))) ?? 'UNKNOWN';
  return { composeId: record.composeId, dir: root, status, label: record.label, items: record.items };
}
