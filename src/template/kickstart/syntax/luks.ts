/**
 * The LUKS encryption options part, logvol, raid and autopart share, and the checks pykickstart
 * makes on them (commands/partition.py, logvol.py, raid.py, autopart.py).
 */
import { flag, given, has, int, since, str, value, type CheckMessage, type OptionSpec, type ParsedCommand } from './types.js';
import type { SyntaxVersion } from '../versions.js';

/** Encryption options shared by part, logvol, raid and autopart. */
export const luks = (extra: { encrypted?: string; escrow?: string; cipher?: string } = {}): OptionSpec[] => [
  flag('--encrypted', { since: extra.encrypted ?? 'F9/RHEL5' }),
  str('--passphrase', { since: extra.encrypted ?? 'F9/RHEL5', secret: true }),
  str('--escrowcert', { since: extra.escrow ?? 'F12' }),
  flag('--backuppassphrase', { since: extra.escrow ?? 'F12' }),
  str('--cipher', { since: extra.cipher ?? 'F18/RHEL6' }),
  str('--luks-version', { since: 'F29' }),
  str('--pbkdf', { since: 'F29' }),
  int('--pbkdf-memory', { since: 'F29' }),
  int('--pbkdf-time', { since: 'F29' }),
  int('--pbkdf-iterations', { since: 'F29' }),
];

/** The checks every LUKS-capable command makes. */
export function luksChecks(c: ParsedCommand, v: SyntaxVersion): CheckMessage[] {
  const out: CheckMessage[] = [];
  if (since('F29', v) && given(c, '--pbkdf-time') && given(c, '--pbkdf-iterations')) out.push(`${c.name}: only one of --pbkdf-time and --pbkdf-iterations may be given`);
  if (since('F41', v) && given(c, '--hw-passphrase') && !(has(c, '--encrypted') && (value(c, '--luks-version') ?? '').startsWith('luks2-'))) {
    out.push(`${c.name}: --hw-passphrase needs --encrypted and a --luks-version of luks2-… (a hardware OPAL device)`);
  }
  return out;
}

