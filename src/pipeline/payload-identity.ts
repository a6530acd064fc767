/**
 * What identifies an install payload (a `liveimg` image) for the store key. A checksum in the
 * kickstart is the identity. Without one, kiln asks the server (HEAD) for what it knows — ETag,
 * Last-Modified, size — so a payload replaced at the same URL is a new input; when the server
 * says nothing useful, the identity is the URL alone and kiln warns that a rebuild may be missed.
 */
import { sha256 } from '../core/hash.js';
import type { Emit } from '../core/events.js';
import type { InputHash } from '../store/record.js';

export async function payloadIdentity(url: string, checksum: string | undefined, emit: Emit, signal?: AbortSignal): Promise<InputHash> {
  if (checksum) return { name: 'payload', sha256: sha256(`checksum:${checksum.toLowerCase()}`), detail: `${url} (checksum ${checksum})` };
  let parts: string[] = [];
  try {
    const res = await fetch(url, { method: 'HEAD', signal, redirect: 'follow' });
    if (res.ok) {
      parts = ['etag', 'last-modified', 'content-length'].map((h) => `${h}=${res.headers.get(h) ?? ''}`);
    }
  } catch {
    /* unreachable from the host: the installer will say so */
  }
  const useful = parts.some((p) => /^(etag|last-modified)=.+/.test(p));
  if (!useful) {
    emit({
      type: 'message',
      level: 'warn',
      code: 'PAYLOAD_UNIDENTIFIED',
      text: `liveimg ${url} has no --checksum and its server gives no ETag/Last-Modified: a changed payload at this URL will not cause a rebuild`,
    });
  }
  return { name: 'payload', sha256: sha256([`url:${url}`, ...parts].join('\n')), detail: `${url}${useful ? ` (${parts.join(', ')})` : ''}` };
}
