/**
 * `realm join [options] REALM`: the only realm command Anaconda runs. pykickstart reads its
 * options with Python's getopt (long options, unambiguous prefixes allowed, options before the
 * realm name); this is the same reading, hand-written because it is a dozen lines.
 */
import type { CheckMessage, ParsedCommand } from './types.js';

/** getopt's long options for `realm join`; a trailing '=' means the option takes a value. */
const JOIN_OPTIONS = ['client-software=', 'server-software=', 'membership-software=', 'one-time-password=', 'no-password', 'computer-ou='];

export function realmCheck(c: ParsedCommand): CheckMessage[] {
  const [command, ...args] = c.positionals;
  if (command === undefined) return ['realm: arguments are missing (realm join [options] REALM)'];
  if (command !== 'join') return [`realm: '${command}' is not supported; only 'realm join' is`];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('--')) break;
    const eq = a.indexOf('=');
    const name = a.slice(2, eq >= 0 ? eq : undefined);
    const exact = JOIN_OPTIONS.filter((o) => o.replace(/=$/, '') === name);
    const matches = exact.length ? exact : JOIN_OPTIONS.filter((o) => o.startsWith(name));
    if (matches.length !== 1) return [`realm: ${matches.length ? 'ambiguous' : 'unknown'} option --${name} for realm join`];
    const takesValue = matches[0]!.endsWith('=');
    if (takesValue && eq < 0) {
      if (i + 1 >= args.length) return [`realm: --${matches[0]!.slice(0, -1)} expects a value`];
      i++;
    } else if (!takesValue && eq >= 0) return [`realm: --${matches[0]} takes no value`];
  }
  const remaining = args.length - i;
  return remaining === 1 ? [] : [`realm: give exactly one realm to join (found ${remaining})`];
}
