/**
 * The per-directory CHECKSUM file in Pungi's format: for each file, sorted by name,
 *
 *   # Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2: 238878720 bytes
 *   SHA256 (Fedora-Cloud-Base-19_Beta-1.3.x86_64.qcow2) = 5d4c…
 *
 * `sha256sum -c --ignore-missing` reads the SHA256 lines (BSD tag format) and skips the comments.
 * The digests are the ones computed while the outputs were written: nothing is read again here.
 */
import { writeFileAtomic } from '../core/atomic.js';
import { KilnError } from '../core/errors.js';
import { clearsignedText } from './clearsigned.js';

export interface ChecksumEntry {
  /** File name within the directory (no slashes). */
  file: string;
  size: number;
  sha256: string;
}

function checkEntry(e: ChecksumEntry): void {
  if (e.file === '' || /[/\\\n\r]/.test(e.file)) throw new KilnError('CHECKSUM_ENTRY', `cannot list '${e.file}' in a CHECKSUM file: a file name without slashes or newlines is needed`, { fault: 'kiln' });
  if (!/^[0-9a-f]{64}$/.test(e.sha256)) throw new KilnError('CHECKSUM_ENTRY', `the sha256 of ${e.file} is not 64 lower-case hex digits`, { fault: 'kiln' });
  if (!Number.isSafeInteger(e.size) || e.size < 0) throw new KilnError('CHECKSUM_ENTRY', `the size of ${e.file} is not a byte count`, { fault: 'kiln' });
}

export function formatChecksumFile(entries: readonly ChecksumEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  let text = '';
  for (const [i, e] of sorted.entries()) {
    checkEntry(e);
    if (i > 0 && sorted[i - 1]!.file === e.file) throw new KilnError('CHECKSUM_ENTRY', `${e.file} is listed twice`, { fault: 'kiln' });
    text += `# ${e.file}: ${e.size} bytes\nSHA256 (${e.file}) = ${e.sha256}\n`;
  }
  return text;
}

export async function writeChecksumFile(path: string, entries: readonly ChecksumEntry[]): Promise<void> {
  await writeFileAtomic(path, formatChecksumFile(entries));
}

const SIZE_LINE = /^# (.+): (\d+) bytes$/;
const SUM_LINE = /^SHA256 \((.+)\) = ([0-9a-f]{64})$/;

/**
 * The entries of a CHECKSUM file (plain or clear-signed), e.g. to tell which outputs of an
 * interrupted drop were already checksummed. A SHA256 line without its size comment gets size -1.
 */
export function parseChecksumFile(text: string): ChecksumEntry[] {
  const sizes = new Map<string, number>();
  const out: ChecksumEntry[] = [];
  for (const line of clearsignedText(text).split('\n')) {
    const size = SIZE_LINE.exec(line);
    if (size) sizes.set(size[1]!, Number(size[2]));
    const sum = SUM_LINE.exec(line);
    if (sum) out.push({ file: sum[1]!, size: sizes.get(sum[1]!) ?? -1, sha256: sum[2]! });
  }
  return out;
}
