/**
 * Installation sources and payloads: url, repo, liveimg, cdrom, harddrive, nfs, hmc,
 * ostreesetup, ostreecontainer, bootc, updates, driverdisk, install/upgrade, module, method.
 * Follows pykickstart's commands/url.py, repo.py, liveimg.py, cdrom.py, harddrive.py, nfs.py,
 * ostreesetup.py, ostreecontainer.py, bootc.py, updates.py, driverdisk.py, upgrade.py,
 * install.py, module.py and method.py, release by release.
 */
import { bool, cmd, exclusive, flag, given, int, since, str, value, type CheckMessage, type CommandSpec, type ParsedCommand } from './types.js';
import { shown } from '../diagnostics.js';

const URL_RE = /^(https?|ftp|file|nfs):\/\//;

/** kiln's own advice (pykickstart takes any string): a URL that is no URL fails when Anaconda fetches it. */
function urlChecks(c: ParsedCommand, names: string[]): CheckMessage[] {
  const out: CheckMessage[] = [];
  for (const n of names) {
    const v = value(c, n);
    if (v && !URL_RE.test(v) && !v.includes('$')) out.push({ warning: `${c.name}: ${n}=${shown(undefined, v)} does not look like a URL (http://, https://, ftp://, nfs:// or file://)` });
  }
  return out;
}

/** url's options; `method` (which pykickstart reads through url's parser) has the same. */
const urlOptions = [
  str('--url', { required: true, removed: 'F18', url: true }),
  str('--url', { since: 'F18', url: true }),
  str('--proxy', { since: 'F13' }),
  flag('--noverifyssl', { since: 'F14/RHEL6' }),
  str('--mirrorlist', { since: 'F18', url: true }),
];

export const sourceCommands: CommandSpec[] = [
  cmd('url', [
    ...urlOptions,
    str('--metalink', { since: 'F27', url: true }),
    str('--sslcacert', { since: 'F30/RHEL8' }),
    str('--sslclientcert', { since: 'F30/RHEL8' }),
    str('--sslclientkey', { since: 'F30/RHEL8' }),
  ], {
    check: (c, { version: v }) => [
      ...(since('F18', v) ? exclusive(c, ['--url', '--mirrorlist', '--metalink'].filter((n) => n !== '--metalink' || since('F27', v)), true) : []),
      ...urlChecks(c, ['--url', '--mirrorlist', '--metalink']),
    ],
  }),

  // pykickstart's `method` has no parser of its own: until it was deprecated, writing it failed.
  cmd('method', [], {
    freeform: true,
    deprecated: 'F34',
    removed: 'F40',
    check: () => ['method: is not a command to write; give the installation method itself (url, cdrom, nfs or harddrive)'],
  }),

  cmd('repo', [
    str('--name', { required: true }),
    str('--baseurl', { url: true }),
    str('--mirrorlist', { url: true }),
    int('--cost', { since: 'F8' }),
    str('--excludepkgs', { since: 'F8' }),
    str('--includepkgs', { since: 'F8' }),
    bool('--ignoregroups', { since: 'F11/RHEL6', deprecated: 'F33/RHEL9', removed: 'F40/RHEL10' }),
    str('--proxy', { since: 'F13' }),
    flag('--noverifyssl', { since: 'F14/RHEL6' }),
    flag('--install', { since: 'F21' }),
    str('--metalink', { since: 'F27', url: true }),
    str('--sslcacert', { since: 'F30/RHEL8' }),
    str('--sslclientcert', { since: 'F30/RHEL8' }),
    str('--sslclientkey', { since: 'F30/RHEL8' }),
  ], {
    multiple: true,
    since: 'FC6',
    check: (c, { version: v }) => {
      const urls = ['--baseurl', '--mirrorlist', ...(since('F27', v) ? ['--metalink'] : [])];
      // From F15 (RHEL 7) a repo may name one the installation source already defines, without a URL.
      const out = [...exclusive(c, urls, !since('F15', v)), ...urlChecks(c, urls)];
      const name = value(c, '--name');
      // kiln's own advice: the repository id cannot hold a space; dnf rejects it.
      if (name !== undefined && /\s/.test(name)) out.push({ warning: `repo: --name '${name}' contains a space; dnf cannot use it as a repository id` });
      return out;
    },
  }),

  cmd('liveimg', [str('--url', { required: true, url: true }), str('--proxy'), flag('--noverifyssl'), str('--checksum')], {
    since: 'F19',
    check: (c) => {
      const sum = value(c, '--checksum');
      const out = urlChecks(c, ['--url']);
      // Stricter than pykickstart: Anaconda compares this with the image's SHA-256 and stops the install when they differ.
      if (sum && !/^[0-9a-fA-F]{64}$/.test(sum)) out.push(`liveimg: --checksum '${sum}' is not a SHA-256 hex digest (64 hex digits); Anaconda would stop the install when it does not match the image`);
      return out;
    },
  }),

  cmd('cdrom', []),
  cmd('harddrive', [
    str('--biospart', { removed: 'F33/RHEL9' }),
    str('--partition', { removed: 'F33/RHEL9' }),
    str('--partition', { since: 'F33/RHEL9', required: true }),
    str('--dir', { required: true }),
  ], {
    check: (c, { version: v }) => (!since('F33/RHEL9', v) && given(c, '--partition') === given(c, '--biospart') ? ['harddrive: give exactly one of --partition or --biospart'] : []),
  }),
  cmd('nfs', [str('--server', { required: true }), str('--dir', { required: true }), str('--opts', { since: 'FC6' })]),
  cmd('hmc', [], { since: 'F28/RHEL7' }),

  cmd('ostreesetup', [
    str('--osname', { required: true }),
    str('--remote'),
    str('--url', { required: true, url: true }),
    str('--ref', { required: true }),
    flag('--nogpg'),
  ], {
    since: 'F21',
    conflicts: (v) => (since('F43/RHEL10', v) ? ['ostreecontainer', 'bootc'] : since('F38/-', v) ? ['ostreecontainer'] : []),
    check: (c) => (/^(file|http|https):/.test(value(c, '--url') ?? 'file:') ? [] : ['ostreesetup: --url must be a file:, http: or https: URL']),
  }),
  cmd('ostreecontainer', [
    str('--stateroot'),
    str('--url', { required: true }),
    str('--transport'),
    str('--remote'),
    flag('--no-signature-verification'),
  ], { since: 'F38/RHEL9', conflicts: (v) => (since('F43/RHEL10', v) ? ['ostreesetup', 'bootc'] : ['ostreesetup']) }),
  cmd('bootc', [
    str('--stateroot'),
    str('--source-imgref', { required: true }),
    str('--target-imgref'),
    str('--bootloader', { since: 'F45' }),
    flag('--composefs', { since: 'F45' }),
  ], { since: 'F43/RHEL10', conflicts: () => ['ostreesetup', 'ostreecontainer'] }),

  cmd('updates', [], {
    since: 'F7',
    args: (v) => (since('F34', v) ? { min: 1, max: 1, what: 'updates image URL' } : { min: 0, max: 1, what: 'updates image URL' }),
    urlArgs: [0],
  }),
  cmd('driverdisk', [
    str('--source', { url: true }),
    str('--type', { deprecated: 'F12/RHEL5', removed: 'F14' }),
    str('--biospart', { since: 'FC4/RHEL4' }),
  ], {
    multiple: true,
    args: { min: 0, max: 1, what: 'partition' },
    check: (c, { version: v }) => {
      const kinds = [c.positionals.length > 0, given(c, '--source'), since('FC4/RHEL4', v) && given(c, '--biospart')].filter(Boolean).length;
      const what = since('FC4/RHEL4', v) ? 'a partition, --source or --biospart' : 'a partition or --source';
      return kinds === 1 ? [] : [`driverdisk: give exactly one of ${what}`];
    },
  }),
  cmd('mediacheck', [], { since: 'FC4' }),

  cmd('install', [str('--root-device', { since: 'F11/RHEL6' })], {
    deprecated: 'F29',
    removed: 'F34',
    check: (c) => (value(c, '--root-device') === '' ? ['install: --root-device must not be empty'] : []),
  }),
  cmd('upgrade', [str('--root-device', { since: 'F11/RHEL6' })], {
    deprecated: 'F20/RHEL7',
    removed: 'F29/RHEL8',
    check: (c) => (value(c, '--root-device') === '' ? ['upgrade: --root-device must not be empty'] : []),
  }),

  cmd('module', [str('--name', { required: true }), str('--stream'), flag('--disable', { since: 'F31/RHEL8' })], {
    multiple: true,
    since: 'F29/RHEL8',
    deprecated: 'F41/RHEL10',
    removed: 'F45/RHEL11',
  }),
];
