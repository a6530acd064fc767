/**
 * Installation sources and payloads: url, repo, liveimg, cdrom, harddrive, nfs, ostree/bootc,
 * updates, driverdisk, install/upgrade, module. Follows pykickstart's commands/url.py, repo.py,
 * liveimg.py, method.py, install.py, upgrade.py, ostreesetup.py, module.py.
 */
import { cmd, exclusive, flag, has, int, opt, str, value, type CheckMessage, type CommandSpec, type ParsedCommand } from './types.js';

/** Options url and repo share for TLS and proxies. */
const transport = [
  str('--proxy'),
  flag('--noverifyssl', { since: 'F14/RHEL6' }),
  str('--sslcacert', { since: 'F30' }),
  str('--sslclientcert', { since: 'F30' }),
  str('--sslclientkey', { since: 'F30' }),
];

const URL_RE = /^(https?|ftp|file|nfs):\/\//;

function urlChecks(c: ParsedCommand, names: string[]): CheckMessage[] {
  const out: CheckMessage[] = [];
  for (const n of names) {
    const v = value(c, n);
    if (v !== undefined && !URL_RE.test(v) && !v.includes('$')) {
      out.push({ warning: `${c.name}: ${n}=${v} does not look like a URL (http://, https://, ftp://, nfs:// or file://)` });
    }
  }
  return out;
}

export const sourceCommands: CommandSpec[] = [
  cmd('url', [
    str('--url', { url: true }),
    str('--mirrorlist', { since: 'F18', url: true }),
    str('--metalink', { since: 'F27', url: true }),
    ...transport,
  ], {
    check: (c) => [...exclusive(c, ['--url', '--mirrorlist', '--metalink'], true), ...urlChecks(c, ['--url', '--mirrorlist', '--metalink'])],
  }),

  cmd('repo', [
    str('--name', { required: true, nonEmpty: true }),
    str('--baseurl', { url: true }),
    str('--mirrorlist', { url: true }),
    str('--metalink', { since: 'F27', url: true }),
    int('--cost'),
    str('--excludepkgs'),
    str('--includepkgs'),
    opt('--ignoregroups', 'bool'),
    flag('--install', { since: 'F21' }),
    ...transport,
  ], {
    multiple: true,
    check: (c) => {
      const out = [...exclusive(c, ['--baseurl', '--mirrorlist', '--metalink'], true), ...urlChecks(c, ['--baseurl', '--mirrorlist', '--metalink'])];
      const name = value(c, '--name');
      if (name !== undefined && /\s/.test(name)) out.push(`repo: --name '${name}' must not contain spaces (it is the repository id)`);
      return out;
    },
  }),

  cmd('liveimg', [
    str('--url', { required: true, url: true }),
    str('--proxy'),
    flag('--noverifyssl'),
    str('--checksum'),
  ], {
    since: 'F19',
    check: (c) => {
      const sum = value(c, '--checksum');
      const out = urlChecks(c, ['--url']);
      if (sum !== undefined && !/^([a-z0-9]+:)?[0-9a-fA-F]{32,128}$/.test(sum)) out.push(`liveimg: --checksum '${sum}' is not a hex digest (sha256 expected)`);
      return out;
    },
  }),

  cmd('cdrom', []),
  cmd('harddrive', [str('--partition'), str('--dir', { required: true }), str('--biospart', { removed: 'F33' })], {
    check: (c) => exclusive(c, ['--partition', '--biospart'], true),
  }),
  cmd('nfs', [str('--server', { required: true }), str('--dir', { required: true }), str('--opts')]),

  cmd('ostreesetup', [
    str('--osname', { required: true }),
    str('--remote'),
    str('--url', { required: true, url: true }),
    str('--ref', { required: true }),
    flag('--nogpg'),
  ], { since: 'F21' }),
  cmd('ostreecontainer', [
    str('--stateroot'),
    str('--url', { required: true }),
    str('--transport'),
    str('--remote'),
    flag('--no-signature-verification'),
  ], { since: 'F38/-' }),
  cmd('bootc', [str('--source-imgref', { required: true }), str('--stateroot'), str('--target-imgref')], { since: 'F43/-' }),

  cmd('updates', [], { args: { min: 0, max: 1, what: 'updates image URL' }, urlArgs: [0] }),
  cmd('driverdisk', [str('--source', { url: true }), str('--biospart')], {
    multiple: true,
    args: { min: 0, max: 1, what: 'partition' },
    check: (c) => (c.positionals.length + (has(c, '--source') ? 1 : 0) + (has(c, '--biospart') ? 1 : 0) === 1
      ? []
      : ['driverdisk: give exactly one of a partition, --source or --biospart']),
  }),
  cmd('mediacheck', []),

  // Before F20 `install` and `upgrade` were one command; upgrades left Anaconda in F18.
  cmd('install', [str('--root-device', { removed: 'F20' })], { deprecated: 'F29', removed: 'F34' }),
  cmd('upgrade', [str('--root-device')], { deprecated: 'F20', removed: 'F34/RHEL8' }),

  cmd('module', [str('--name', { required: true }), str('--stream'), flag('--disable', { since: 'F31' })], {
    multiple: true,
    since: 'F29/RHEL8',
    deprecated: 'F41/-',
    removed: 'F45/-',
  }),
];
