/** The flags that say how to reach a Koji hub, shared by `kiln koji import` and `kiln drop --koji-import`. */
import type { OptionSpec } from '../command.js';

export interface KojiFlags {
  hub?: string;
  cert?: string;
  serverca?: string;
  user?: string;
  passwordFile?: string;
  cg?: string;
}

export const kojiConnectionOptions: OptionSpec[] = [
  { flags: '--hub <url>', description: 'Koji hub URL, e.g. https://koji.example/kojihub' },
  { flags: '--cert <pem>', description: 'client certificate and key (PEM) for ssl login' },
  { flags: '--serverca <pem>', description: "CA of the hub's certificate (default: the system's)" },
  { flags: '--user <name>', description: 'password login instead of --cert, where the hub allows it' },
  { flags: '--password-file <file>', description: 'file holding the password for --user' },
  { flags: '--cg <name>', description: 'content generator name', default: 'kiln' },
];

/** The connection a request carries; a default shown in help is applied here, where it is used. */
export function kojiConnection(f: KojiFlags): { hub: string; cert?: string; serverca?: string; user?: string; passwordFile?: string; cg: string } {
  return { hub: f.hub ?? '', cert: f.cert, serverca: f.serverca, user: f.user, passwordFile: f.passwordFile, cg: f.cg ?? 'kiln' };
}
