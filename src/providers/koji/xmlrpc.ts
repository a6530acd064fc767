/**
 * XML-RPC encoding for Koji, on @foxglove/xmlrpc (this file is its only importer). The library
 * turns values into a methodCall document and a methodResponse back into values; what Koji needs
 * on top is done here: keyword arguments as Koji's `__starstar` struct, `<nil/>` as null (the
 * library gives undefined), `<i8>` (Koji sends sizes over 2 GiB that way; the library gives the
 * digits as a string) as a number when it is exact, and faults as KilnErrors (faults.ts).
 */
import xmlrpc from '@foxglove/xmlrpc';
import { KilnError } from '../../core/errors.js';
import { KojiFault, kojiFaultError } from './faults.js';

const { serializeMethodCall, Deserializer, XmlRpcFault } = xmlrpc;

/** What goes over the wire: JSON-like values (null is `<nil/>`), Dates and bytes. */
export type KojiValue = null | boolean | number | string | Date | Uint8Array | KojiValue[] | { [key: string]: KojiValue };

type Wire = Parameters<typeof serializeMethodCall>[1] extends (infer V)[] | undefined ? V : never;

/** undefined struct members are dropped, undefined array items become nil (the library would send an empty string). */
function toWire(value: unknown): Wire {
  if (value === null || value === undefined) return null as unknown as Wire;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return value.toString();
    return Number(value);
  }
  if (Array.isArray(value)) return value.map(toWire) as Wire;
  if (value instanceof Date || value instanceof Uint8Array) return value as Wire;
  if (typeof value === 'object') {
    const out: Record<string, Wire> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = toWire(v);
    return out as Wire;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new KilnError('KOJI_BAD_VALUE', `cannot send ${value} to Koji`, { fault: 'kiln' });
  return value as Wire;
}

/** Long text that needs no XML escaping (an upload's base64 chunk). */
const PLAIN = /^[A-Za-z0-9+/=]*$/;
const LONG = 64 * 1024;

/**
 * The methodCall document; keyword arguments become Koji's trailing `{…, __starstar: true}` struct.
 * A long base64 argument (uploadFile's data) is spliced in after the library has built the
 * document around a short stand-in: the library escapes text character by character, ~30 ms per
 * MiB, and base64 has nothing to escape.
 */
export function encodeCall(method: string, args: readonly unknown[], kwargs?: Record<string, unknown>): string {
  const spliced: string[] = [];
  const params = args.map((a) => {
    if (typeof a === 'string' && a.length > LONG && PLAIN.test(a)) {
      spliced.push(a);
      return `kiln-splice-${spliced.length - 1}`;
    }
    return toWire(a);
  });
  const named = Object.entries(kwargs ?? {}).filter(([, v]) => v !== undefined);
  if (named.length > 0) params.push(toWire({ ...Object.fromEntries(named), __starstar: true }));
  try {
    const xml = serializeMethodCall(method, params, 'utf-8');
    return spliced.reduce((doc, text, i) => doc.replace(`<string>kiln-splice-${i}</string>`, () => `<string>${text}</string>`), xml);
  } catch (error) {
    throw new KilnError('KOJI_BAD_VALUE', `cannot encode the arguments of ${method} as XML-RPC: ${(error as Error).message}`, {
      cause: error,
      fault: 'kiln',
      hint: 'A string holds characters XML cannot carry (control characters or "]]>").',
    });
  }
}

const I8 = /^-?\d+$/;

/** nil → null; digit strings that came from `<i8>` cannot be told from strings here, so numbers are left to callers (see asNumber). */
function fromWire(value: unknown): KojiValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(fromWire);
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (typeof value === 'object') {
    const out: Record<string, KojiValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = fromWire(v);
    return out;
  }
  return value as KojiValue;
}

/** A number Koji may send as `<int>` or, past 2 GiB, as `<i8>` (which arrives as a digit string). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && I8.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  return undefined;
}

/** Parses a methodResponse; a `<fault>` is thrown as a KilnError (faults.ts), a malformed body as KOJI_BAD_RESPONSE. */
export async function decodeResponse(method: string, body: string): Promise<KojiValue> {
  try {
    return fromWire(await new Deserializer('utf-8').deserializeMethodResponse(body));
  } catch (error) {
    if (error instanceof XmlRpcFault) throw kojiFaultError(new KojiFault(method, error.faultCode ?? 0, error.faultString ?? ''));
    throw new KilnError('KOJI_BAD_RESPONSE', `the hub's answer to ${method} is not XML-RPC: ${(error as Error).message}`, {
      cause: error,
      fault: 'external',
      hint: 'Check that --hub is the hub URL (…/kojihub), not the web UI.',
    });
  }
}
