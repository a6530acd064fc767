/**
 * The signed text of an OpenPGP clear-signed message (RFC 4880 §7): what is between the armor
 * header and the signature, with dash-escaping undone. Text that is not clear-signed is returned
 * as it is. (Reading only: whether the signature is good is gpgv's job, see signing.ts.)
 */
const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIGNATURE = '-----BEGIN PGP SIGNATURE-----';

export function isClearsigned(text: string): boolean {
  return text.replace(/^\uFEFF/, '').startsWith(BEGIN);
}

export function clearsignedText(text: string): string {
  if (!isClearsigned(text)) return text;
  const lines = text.split(/\r?\n/);
  let i = 1;
  while (i < lines.length && lines[i] !== '') i++; // armor headers (Hash: …) end at an empty line
  const body: string[] = [];
  for (i++; i < lines.length && lines[i] !== SIGNATURE; i++) body.push(lines[i]!.startsWith('- ') ? lines[i]!.slice(2) : lines[i]!);
  // The line break before the signature belongs to the signature, not to the text.
  return body.join('\n') + (body.length ? '\n' : '');
}
