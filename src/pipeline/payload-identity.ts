/**
 * What identifies an install payload (a `liveimg` image) for the store key. A checksum in the
 * kickstart is the identity. Without one, kiln asks the server (HEAD) for what it knows — ETag,
 * Last-Modified, size — so a payload replaced at the same URL is a new input; when the server
 * says nothing useful, the identity is the URL alone and kiln warns that a rebuild may be missed.
 */
import { sha256 } from '../core/hash.js';
import type { Emit } from '../core/events.js';
import { isKilnError } from '../core/errors.js';
import { displayUrl } from '../core/http-errors.js';
import { httpRequest } from '../core/http.js';
import type { InputHash } from '../store/record.js';

export async function payloadIdentity(url: string, checksum: string | undefined, emit: Emit, signal?: AbortSignal): Promise<InputHash> {
  if (checksum) return { name: 'payload', sha256: sha256(`checksum:${checksum.toLowerCase()}`), detail: `${displayUrl(url)} (checksum ${checksum})` };
  let parts: string[] = [];
  let why = 'its server gives no ETag/Last-Modified';
  try {
    const res = await httpRequest(url, { method: 'HEAD', signal, attempts: 2 });
    res.discard();
    if (res.ok) parts = ['etag', 'last-modified', 'content-length'].map((h) => `${h}=${res.header(h) ?? ''}`);
    else why = `HEAD answered HTTP ${res.status}`;
  } catch (error) {
    // Unreachable from the host: the installer will say so; an interrupt is not swallowed.
    if (isKilnError(error) && error.code === 'INTERRUPTED') throw error;
    why = `HEAD failed: ${(error as Error).message}`;
  }
  const useful = parts.some((p) => /^(etag|last-modified)=.+/.test(p));
  if (!useful) {
    emit({
      type: 'message',
      level: 'warn',
      code: 'PAYLOAD_UNIDENTIFIED',
      text: `liveimg ${displayUrl(url)} has no --checksum and ${why}: a changed payload at this URL will not cause a rebuild`,
    });
  }
  return { name: 'payload', sha256: sha256([`url:${url}`, ...parts].join('\n')), detail: `${displayUrl(url)}${useful ? ` (${parts.join(', ')})` : ''}` };
}
