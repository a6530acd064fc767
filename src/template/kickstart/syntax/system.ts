/**
 * System configuration commands: locale, time, network, firewall, SELinux, services, accounts,
 * authentication, registration, X. Follows pykickstart's commands/lang.py, keyboard.py,
 * timezone.py, network.py, firewall.py, rootpw.py, user.py, sshpw.py, authconfig.py, realm.py,
 * eula.py, firstboot.py, xconfig.py, logging.py, rhsm.py …, release by release.
 */
import { bool, choice, cmd, exclusive, flag, given, has, int, since, str, value, type CheckMessage, type CommandSpec } from './types.js';
import { realmCheck } from './realm.js';
import type { SyntaxVersion } from '../versions.js';

const BOOTPROTO_FC3 = ['dhcp', 'bootp', 'static'];
const BOOTPROTO_F9 = [...BOOTPROTO_FC3, 'query'];
const BOOTPROTO_F16 = [...BOOTPROTO_F9, 'ibft'];

/** RHEL 7's rule for --interfacename (a VLAN name must carry a valid VLAN id). */
function interfaceNameProblem(name: string): string | undefined {
  let id: string | undefined;
  const dot = name.indexOf('.');
  if (dot >= 0) {
    if (name.slice(0, dot) === 'vlan') return "with the <prefix>.<vlan id> notation the prefix cannot be 'vlan'";
    id = name.slice(dot + 1);
    if (!/^\s*[+-]?\d+\s*$/.test(id)) return "a name containing '.' must end with a VLAN id";
  }
  if (name.startsWith('vlan')) {
    id = name.slice(4);
    if (!/^\s*[+-]?\d+\s*$/.test(id)) return "a name starting with 'vlan' must end with a VLAN id";
  }
  if (id !== undefined && !(Number(id) >= 0 && Number(id) <= 4095)) return 'the VLAN id must be between 0 and 4095';
  return undefined;
}

function networkChecks(c: Parameters<NonNullable<CommandSpec['check']>>[0], v: SyntaxVersion): CheckMessage[] {
  const out: CheckMessage[] = [];
  const rhel7 = v.family === 'RHEL' && v.number === 7;
  if (rhel7 && given(c, '--interfacename')) {
    const problem = interfaceNameProblem(value(c, '--interfacename')!);
    if (problem) out.push(`network: --interfacename: ${problem}`);
  }
  if ((since('F22/RHEL8', v) || rhel7) && given(c, '--bridgeopts')) {
    if (!given(c, '--bridgeslaves')) out.push('network: --bridgeopts needs --bridgeslaves');
    else if (value(c, '--bridgeopts')!.split(',').some((o) => !/^[^=]*=[^=]+$/.test(o))) out.push('network: --bridgeopts must be key=value pairs separated by commas');
  }
  if ((since('F27/RHEL8', v) || rhel7) && value(c, '--bindto') === 'mac' && given(c, '--vlanid') && !given(c, '--bondopts')) out.push('network: --bindto=mac is not supported for a VLAN device');
  if (since('F39/RHEL9', v) && !given(c, '--device')) {
    for (const o of ['--ipv4-dns-search', '--ipv6-dns-search', '--ipv4-ignore-auto-dns', '--ipv6-ignore-auto-dns']) if (given(c, o)) out.push(`network: ${o} needs --device`);
  }
  // kiln's own advice: Anaconda configures no address then.
  if (value(c, '--bootproto') === 'static' && !given(c, '--ip') && !given(c, '--ipv6')) out.push({ warning: 'network: --bootproto=static without --ip (or --ipv6) configures no address' });
  return out;
}

export const systemCommands: CommandSpec[] = [
  cmd('lang', [str('--addsupport', { since: 'F19' })], { args: { min: 1, max: 1, what: 'language' } }),
  cmd('langsupport', [str('--default')], { deprecated: 'FC5', removed: 'F7', args: { min: 0, max: Infinity, what: 'languages' } }),

  cmd('keyboard', [], { removed: 'F18', args: { min: 1, max: 1, what: 'keyboard layout' } }),
  cmd('keyboard', [str('--vckeymap'), str('--xlayouts'), str('--switch')], {
    since: 'F18',
    args: { min: 0, max: 1, what: 'keyboard layout' },
    check: (c) => (c.positionals.length || given(c, '--vckeymap') || given(c, '--xlayouts') ? [] : ['keyboard: give a layout, --vckeymap or --xlayouts']),
  }),

  cmd('timezone', [
    flag('--utc'),
    flag('--isUtc', { since: 'FC6', deprecated: 'F40/-', removed: '-/RHEL10' }),
    flag('--nontp', { since: 'F18', deprecated: 'F40/-', removed: '-/RHEL10' }),
    str('--ntpservers', { since: 'F18', deprecated: 'F40/-', removed: '-/RHEL10' }),
  ], {
    args: (v) => (since('F25/RHEL7', v) ? { min: 0, max: 1, what: 'time zone' } : { min: 1, max: 1, what: 'time zone' }),
    check: (c, { version: v }) => {
      const out: CheckMessage[] = [];
      if (since('F25/RHEL7', v) && !c.positionals.length && !c.options.size) out.push('timezone: give a time zone or an option');
      if (since('F18', v) && given(c, '--ntpservers') && has(c, '--nontp')) out.push('timezone: --nontp and --ntpservers cannot be used together');
      const f32to39 = (since('F32', v) && !since('F40', v)) || (v.family === 'RHEL' && v.number === 9);
      if (f32to39 && has(c, '--isUtc')) out.push({ warning: 'timezone: --isUtc will be deprecated; write --utc' });
      const f33to39 = (since('F33', v) && !since('F40', v)) || (v.family === 'RHEL' && v.number === 9);
      if (f33to39 && given(c, '--ntpservers')) out.push({ warning: 'timezone: --ntpservers will be deprecated; write one `timesource --ntp-server HOST` per server' });
      if (f33to39 && has(c, '--nontp')) out.push({ warning: 'timezone: --nontp will be deprecated; write `timesource --ntp-disable`' });
      const tz = c.positionals[0];
      // kiln's own advice: Anaconda falls back to its default zone when it does not know the name.
      if (tz !== undefined && !/^[A-Za-z0-9_+\-/]+$/.test(tz)) out.push({ warning: `timezone: '${tz}' does not look like a time zone name (e.g. Etc/UTC, Europe/Paris)` });
      return out;
    },
  }),

  cmd('timesource', [str('--ntp-server'), str('--ntp-pool'), flag('--ntp-disable'), flag('--nts')], {
    multiple: true,
    since: 'F33',
    check: (c) => exclusive(c, ['--ntp-server', '--ntp-pool', '--ntp-disable'], true),
  }),

  cmd('network', [
    choice('--bootproto', BOOTPROTO_FC3, { removed: 'F9/RHEL5' }),
    choice('--bootproto', BOOTPROTO_F9, { since: 'F9/RHEL5', removed: 'F16/RHEL6' }),
    choice('--bootproto', BOOTPROTO_F16, { since: 'F16/RHEL6' }),
    str('--dhcpclass'),
    str('--device'),
    str('--essid'),
    str('--ethtool'),
    str('--gateway'),
    str('--hostname'),
    str('--ip'),
    str('--mtu'),
    str('--nameserver'),
    str('--netmask'),
    flag('--nodns'),
    bool('--onboot'),
    str('--wepkey', { secret: true }),
    flag('--notksdevice', { since: 'FC4/RHEL4' }),
    flag('--noipv4', { since: 'FC6' }),
    flag('--noipv6', { since: 'FC6' }),
    str('--ipv6', { since: 'F8' }),
    flag('--activate', { since: 'F16/RHEL6' }),
    flag('--nodefroute', { since: 'F16/RHEL6' }),
    str('--vlanid', { since: 'F19/RHEL6' }),
    str('--bondslaves', { since: 'F19/RHEL6' }),
    str('--bondopts', { since: 'F19/RHEL6' }),
    str('--wpakey', { since: 'F16', secret: true }),
    str('--ipv6gateway', { since: 'F19' }),
    str('--teamslaves', { since: 'F20', deprecated: '-/RHEL10' }),
    str('--teamconfig', { since: 'F20', deprecated: '-/RHEL10' }),
    str('--interfacename', { since: 'F21' }),
    str('--bridgeslaves', { since: 'F22/RHEL7' }),
    str('--bridgeopts', { since: 'F22/RHEL7' }),
    flag('--no-activate', { since: 'F25/RHEL7' }),
    choice('--bindto', ['mac'], { since: 'F27/RHEL7' }),
    str('--ipv4-dns-search', { since: 'F39/RHEL9' }),
    str('--ipv6-dns-search', { since: 'F39/RHEL9' }),
    flag('--ipv4-ignore-auto-dns', { since: 'F39/RHEL9' }),
    flag('--ipv6-ignore-auto-dns', { since: 'F39/RHEL9' }),
  ], { multiple: true, check: (c, { version }) => networkChecks(c, version) }),

  cmd('firewall', [
    flag(['--disable', '--disabled']),
    flag(['--enable', '--enabled']),
    flag('--ftp'),
    flag('--http'),
    flag('--smtp'),
    flag('--ssh'),
    flag('--telnet', { removed: 'F10/RHEL6' }),
    str('--telnet', { since: 'F10/RHEL6', deprecated: 'F10/RHEL6', removed: 'F14' }),
    str('--high', { deprecated: 'FC3/RHEL3', removed: 'F9' }),
    str('--medium', { deprecated: 'FC3/RHEL3', removed: 'F9' }),
    str('--port'),
    str('--trust'),
    str('--service', { since: 'F10/RHEL6' }),
    str('--remove-service', { since: 'F20' }),
    flag('--use-system-defaults', { since: 'F28' }),
  ]),

  cmd('selinux', [flag('--disabled'), flag('--enforcing'), flag('--permissive')], { since: 'FC3/RHEL4' }),

  cmd('services', [str('--disabled'), str('--enabled')], {
    since: 'FC6',
    check: (c) => (given(c, '--disabled') || given(c, '--enabled') ? [] : ['services: one of --disabled or --enabled is required']),
  }),

  cmd('rootpw', [flag('--iscrypted'), flag('--lock', { since: 'F8' }), flag('--plaintext', { since: 'F8' }), flag('--allow-ssh', { since: 'F37/RHEL9' })], {
    args: { min: 0, max: 1, what: 'password' },
    secretArgs: [0],
    check: (c, { version: v }) => {
      if (c.positionals.length && c.positionals[0] !== '') return [];
      // From F18 (RHEL 7) `rootpw --lock` needs no password; before, one argument was always required.
      if (has(c, '--lock') && since('F18', v)) return [];
      return ['rootpw: a password argument is required' + (since('F18', v) ? ' (or --lock)' : '')];
    },
  }),

  cmd('user', [
    str('--groups'),
    str('--homedir'),
    flag('--iscrypted'),
    str('--name', { required: true }),
    str('--password', { secret: true }),
    str('--shell'),
    int('--uid'),
    flag('--lock', { since: 'F8' }),
    flag('--plaintext', { since: 'F8' }),
    str('--gecos', { since: 'F12' }),
    int('--gid', { since: 'F19' }),
  ], { multiple: true, since: 'FC6' }),

  cmd('group', [str('--name', { required: true }), int('--gid')], { multiple: true, since: 'F12' }),
  cmd('sshkey', [str('--username', { required: true })], { multiple: true, since: 'F22', args: { min: 1, max: 1, what: 'SSH public key' } }),
  cmd('sshpw', [str('--username', { required: true }), flag('--iscrypted'), flag('--plaintext'), flag('--lock'), flag('--sshkey', { since: 'F24' })], {
    multiple: true,
    since: 'F13/RHEL6',
    // Several words are joined into one password, as pykickstart does.
    args: { min: 1, max: Infinity, what: 'password' },
    secretArgs: [0],
  }),

  cmd(['auth', 'authconfig'], [], {
    freeform: true,
    removed: 'F35/RHEL10',
    check: (_c, { version: v }) => (since('F28', v) ? [{ warning: 'authconfig: will be deprecated; use authselect' }] : []),
  }),
  cmd('authselect', [], { freeform: true, since: 'F28' }),
  cmd('realm', [], { freeform: true, multiple: true, since: 'F19', check: realmCheck }),

  cmd('eula', [flag(['--agreed', '--agree', '--accepted', '--accept'])], {
    since: 'F20',
    check: (c) => (has(c, '--agreed') ? [] : ['eula: the --agreed option is required']),
  }),
  cmd('firstboot', [flag(['--disable', '--disabled']), flag(['--enable', '--enabled']), flag('--reconfig')]),
  cmd('skipx', []),
  cmd('xconfig', [
    str('--defaultdesktop'),
    flag('--startxonboot'),
    str('--card', { deprecated: 'FC6', removed: 'F9' }),
    str('--hsync', { deprecated: 'FC6', removed: 'F9' }),
    str('--monitor', { deprecated: 'FC6', removed: 'F9' }),
    str('--vsync', { deprecated: 'FC6', removed: 'F9' }),
    flag('--noprobe', { removed: 'FC6' }),
    str('--noprobe', { since: 'FC6', deprecated: 'FC6', removed: 'F9' }),
    str('--server', { removed: 'FC6' }),
    int('--depth', { removed: 'F10' }),
    str('--depth', { since: 'F10', deprecated: 'F10', removed: 'F14' }),
    str('--resolution', { deprecated: 'F10', removed: 'F14' }),
    str('--videoram', { deprecated: 'F10', removed: 'F14' }),
    str('--driver', { since: 'FC6', deprecated: 'F10', removed: 'F14' }),
  ]),
  cmd('logging', [
    str('--host'),
    str('--port'),
    choice('--level', ['debug', 'info', 'warning', 'error', 'critical'], { removed: 'F34' }),
    str('--level', { since: 'F34', deprecated: 'F34', removed: 'F40' }),
  ], {
    since: 'FC6',
    check: (c) => (given(c, '--port') && !given(c, '--host') ? ['logging: --port needs --host'] : []),
  }),

  cmd('rhsm', [
    str('--organization', { required: true }),
    str('--activation-key', { required: true, secret: true }),
    flag('--connect-to-insights'),
    str('--proxy'),
    str('--server-hostname'),
    str('--rhsm-baseurl', { url: true }),
    str('--flatpak-registry-url', { since: '-/RHEL10' }),
  ], {
    since: '-/RHEL8',
    check: (c) => (value(c, '--activation-key') === '' ? ['rhsm: an empty activation key is not valid'] : []),
  }),
  cmd('syspurpose', [str('--role'), str('--sla'), str('--usage'), str('--addon')], { since: '-/RHEL8' }),
  cmd('key', [flag('--skip')], {
    since: '-/RHEL5',
    removed: '-/RHEL7',
    args: { min: 0, max: 1, what: 'installation number' },
    secretArgs: [0],
    check: (c) => (has(c, '--skip') || c.positionals.length === 1 ? [] : ['key: give the installation number, or --skip']),
  }),
  cmd('unsupported_hardware', [], { since: '-/RHEL6', removed: '-/RHEL8' }),
  cmd('monitor', [str('--hsync'), str('--monitor'), str('--vsync'), flag('--noprobe', { since: 'FC6' })], { deprecated: 'F10', removed: 'F18' }),
  cmd('mouse', [str('--device'), flag('--emulthree')], { deprecated: 'FC3/RHEL4', removed: 'F7', args: { min: 1, max: 1, what: 'mouse type' } }),
];
