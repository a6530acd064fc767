/** The facts a booted guest reports (guest-facts.sh over SSH), parsed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../core/version.js';

/** The script, shipped beside this module's source (found from the project root, as the prep script is). */
export const GUEST_FACTS_SCRIPT = readFileSync(join(PROJECT_ROOT, 'src', 'testing', 'guest-facts.sh'), 'utf8');

export interface GuestFacts {
  complete: boolean;
  uname?: string;
  hostname?: string;
  /** Boot time, seconds since the epoch. */
  btime?: number;
  /** Seconds from the kernel's start to sshd's (the journal's monotonic clock). */
  sshdReady?: number;
  cloudInit?: { status: string; rc?: number; datasource?: string; errors: string[] };
  machineId?: { mtime: number; value: string };
  hostKeys: { mtime: number; path: string }[];
  /** The firmware the guest booted under, and for UEFI whether Secure Boot is enforcing (undefined: unreadable). */
  firmware?: { kind: 'bios' } | { kind: 'uefi'; secureBoot?: boolean };
  rootFsBytes?: number;
  /** Root partition start and size, and its disk's size, in 512-byte sectors. */
  rootPart?: { name: string; start: number; size: number; diskSize: number };
  sudo: boolean;
  rootPassword?: 'locked' | 'empty' | 'set';
  leftovers: string[];
  leases: { mtime: number; path: string }[];
}

export function parseFacts(text: string): GuestFacts {
  const f: GuestFacts = { complete: false, hostKeys: [], sudo: false, leftovers: [], leases: [] };
  let ciStatus: string | undefined;
  let ciRc: number | undefined;
  let ciResult: { v1?: { datasource?: string; errors?: string[] } } | undefined;
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    const [first, ...rest] = value.split(' ');
    switch (key) {
      case 'uname': f.uname = value; break;
      case 'hostname': f.hostname = value; break;
      case 'btime': f.btime = Number(value); break;
      case 'sshd-ready': f.sshdReady = Number(value); break;
      case 'ci-status': ciStatus = value; break;
      case 'ci-status-rc': ciRc = Number(value); break;
      case 'ci-result':
        try {
          ciResult = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as typeof ciResult;
        } catch {
          ciResult = undefined;
        }
        break;
      case 'machine-id': f.machineId = { mtime: Number(first), value: rest.join(' ') }; break;
      case 'host-key': f.hostKeys.push({ mtime: Number(first), path: rest.join(' ') }); break;
      case 'firmware':
        f.firmware = first === 'uefi' ? { kind: 'uefi', secureBoot: rest[0] === '1' ? true : rest[0] === '0' ? false : undefined } : { kind: 'bios' };
        break;
      case 'root-fs-bytes': f.rootFsBytes = Number(value); break;
      case 'root-part': {
        const [name, start, size, diskSize] = value.split(' ');
        f.rootPart = { name: name!, start: Number(start), size: Number(size), diskSize: Number(diskSize) };
        break;
      }
      case 'sudo': f.sudo = value === 'yes'; break;
      case 'root-password': f.rootPassword = value as GuestFacts['rootPassword']; break;
      case 'leftover': f.leftovers.push(value); break;
      case 'lease': f.leases.push({ mtime: Math.floor(Number(first)), path: rest.join(' ') }); break;
      case 'facts-end': f.complete = true; break;
      default: break;
    }
  }
  if (ciStatus !== undefined) {
    f.cloudInit = { status: ciStatus, rc: ciRc, datasource: ciResult?.v1?.datasource ?? undefined, errors: ciResult?.v1?.errors ?? [] };
  }
  return f;
}
