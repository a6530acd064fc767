/**
 * System configuration commands: locale, time, network, firewall, SELinux, services, accounts,
 * authentication, registration. Follows pykickstart's commands/lang.py, keyboard.py, timezone.py,
 * network.py, firewall.py, rootpw.py, user.py, sshpw.py, sshkey.py, authconfig.py, eula.py …
 */
import { choice, cmd, exclusive, flag, has, int, opt, str, value, type CheckMessage, type CommandSpec } from './types.js';
import { at, reached } from '../versions.js';

export const systemCommands: CommandSpec[] = [
  cmd('lang', [str('--addsupport', { since: 'F19' })], { args: { min: 1, max: 1, what: 'language' } }),

  cmd('keyboard', [
    str('--vckeymap', { since: 'F18' }),
    str('--xlayouts', { since: 'F18' }),
    str('--switch', { since: 'F18' }),
  ], {
    args: { min: 0, max: 1, what: 'keyboard layout' },
    check: (c, ctx) => {
      if (c.positionals.length || has(c, '--vckeymap') || has(c, '--xlayouts')) return [];
      return [reached(at('F18'), ctx.version) ? 'keyboard: give a layout, --vckeymap or --xlayouts' : 'keyboard: a keyboard layout is required'];
    },
  }),

  cmd('timezone', [
    flag(['--utc', '--isUtc']),
    flag('--nontp', { since: 'F18', deprecated: 'F33', removed: 'F40/-' }),
    str('--ntpservers', { since: 'F18', deprecated: 'F33', removed: 'F40/-' }),
  ], {
    args: { min: 0, max: 1, what: 'time zone' },
    check: (c, ctx) => {
      const out: CheckMessage[] = [];
      if (!c.positionals.length && !reached(at('F25'), ctx.version)) out.push('timezone: a time zone is required (e.g. Etc/UTC)');
      if (has(c, '--nontp') && has(c, '--ntpservers')) out.push('timezone: --nontp and --ntpservers cannot be used together');
      const tz = c.positionals[0];
      if (tz !== undefined && !/^[A-Za-z0-9_+\-/]+$/.test(tz)) out.push(`timezone: '${tz}' is not a time zone name`);
      return out;
    },
  }),

  cmd('timesource', [str('--ntp-server'), str('--ntp-pool'), flag('--ntp-disable'), flag('--nts')], {
    multiple: true,
    since: 'F33',
    check: (c) => exclusive(c, ['--ntp-server', '--ntp-pool', '--ntp-disable'], true),
  }),

  cmd('network', [
    choice('--bootproto', ['dhcp', 'bootp', 'static', 'query', 'ibft']),
    str('--dhcpclass'),
    str('--device'),
    str('--essid'),
    str('--ethtool'),
    str('--gateway'),
    str('--hostname'),
    str('--ip'),
    str('--ipv6'),
    str('--mtu'),
    str('--nameserver'),
    str('--netmask'),
    flag('--nodns'),
    flag('--noipv4'),
    flag('--noipv6'),
    opt('--onboot', 'bool'),
    str('--wepkey', { secret: true }),
    flag('--notksdevice'),
    flag('--activate'),
    flag('--nodefroute'),
    str('--wpakey', { since: 'F16', secret: true }),
    str('--vlanid', { since: 'F19/RHEL6' }),
    str('--bondslaves', { since: 'F19/RHEL6' }),
    str('--bondopts', { since: 'F19/RHEL6' }),
    str('--ipv6gateway', { since: 'F19' }),
    str('--teamslaves', { since: 'F20' }),
    str('--teamconfig', { since: 'F20' }),
    str('--interfacename', { since: 'F21' }),
    str('--bridgeslaves', { since: 'F22/RHEL7' }),
    str('--bridgeopts', { since: 'F22/RHEL7' }),
    flag('--no-activate', { since: 'F25/RHEL7' }),
    choice('--bindto', ['mac'], { since: 'F27/RHEL7' }),
    str('--ipv4-dns-search', { since: 'F39/-' }),
    str('--ipv6-dns-search', { since: 'F39/-' }),
    flag('--ipv4-ignore-auto-dns', { since: 'F39/-' }),
    flag('--ipv6-ignore-auto-dns', { since: 'F39/-' }),
  ], {
    multiple: true,
    check: (c) => {
      const out: CheckMessage[] = [...exclusive(c, ['--activate', '--no-activate'], false)];
      if (has(c, '--bridgeopts') && !has(c, '--bridgeslaves')) out.push('network: --bridgeopts requires --bridgeslaves');
      if (value(c, '--bootproto') === 'static' && !has(c, '--ip') && !has(c, '--ipv6')) out.push('network: --bootproto=static needs --ip (and --netmask)');
      if (has(c, '--interfacename') && !has(c, '--vlanid')) out.push('network: --interfacename must be used with --vlanid');
      return out;
    },
  }),

  cmd('firewall', [
    flag(['--enabled', '--enable']),
    flag(['--disabled', '--disable']),
    str('--trust'),
    str('--port'),
    str('--service'),
    str('--remove-service', { since: 'F20' }),
    flag('--ssh'),
    flag('--smtp'),
    flag('--http'),
    flag('--ftp'),
    flag('--telnet', { deprecated: 'F10/RHEL6', removed: 'F14/-' }),
    flag('--use-system-defaults', { since: 'F28' }),
  ], { check: (c) => exclusive(c, ['--enabled', '--disabled', '--use-system-defaults'], false) }),

  cmd('selinux', [flag('--disabled'), flag('--enforcing'), flag('--permissive')], {
    check: (c) => exclusive(c, ['--disabled', '--enforcing', '--permissive'], false),
  }),

  cmd('services', [str('--disabled'), str('--enabled')], {
    check: (c) => (has(c, '--disabled') || has(c, '--enabled') ? [] : ['services: one of --disabled or --enabled is required']),
  }),

  cmd('rootpw', [flag('--iscrypted'), flag('--plaintext'), flag('--lock'), flag('--allow-ssh', { since: 'F37/RHEL9' })], {
    args: { min: 0, max: 1, what: 'password' },
    secretArgs: [0],
    check: (c, ctx) => {
      if (c.positionals.length) return [];
      // Since F18 (RHEL7) `rootpw --lock` needs no password; before, one argument was always required.
      if (has(c, '--lock') && reached(at('F18'), ctx.version)) return [];
      return ['rootpw: a password argument is required' + (reached(at('F18'), ctx.version) ? ' (or --lock)' : '')];
    },
  }),

  cmd('user', [
    str('--name', { required: true, nonEmpty: true }),
    str('--gecos'),
    str('--groups'),
    str('--homedir'),
    flag('--iscrypted'),
    flag('--plaintext'),
    flag('--lock'),
    str('--password', { secret: true }),
    str('--shell'),
    int('--uid'),
    int('--gid', { since: 'F19' }),
  ], { multiple: true }),

  cmd('group', [str('--name', { required: true }), int('--gid')], { multiple: true }),
  cmd('sshkey', [str('--username', { required: true })], { multiple: true, since: 'F22/RHEL7', args: { min: 1, max: 1, what: 'SSH public key' } }),
  cmd('sshpw', [str('--username', { required: true }), flag('--iscrypted'), flag('--plaintext'), flag('--lock'), flag('--sshkey', { since: 'F24/RHEL7' })], {
    multiple: true,
    args: { min: 1, max: 1, what: 'password' },
    secretArgs: [0],
  }),

  cmd(['auth', 'authconfig'], [], { freeform: true, deprecated: 'F28/RHEL9', removed: 'F35/-' }),
  cmd('authselect', [], { freeform: true, since: 'F28' }),
  cmd('realm', [], { freeform: true, multiple: true, since: 'F19' }),

  cmd('eula', [flag(['--agreed', '--agree', '--accepted', '--accept'])], {
    since: 'F20',
    check: (c) => (has(c, '--agreed') ? [] : ['eula: the --agreed option is required']),
  }),
  cmd('firstboot', [flag(['--enable', '--enabled']), flag(['--disable', '--disabled']), flag('--reconfig')], {
    check: (c) => exclusive(c, ['--enable', '--disable', '--reconfig'], false),
  }),
  cmd('skipx', []),
  cmd('xconfig', [
    str('--defaultdesktop'),
    flag('--startxonboot'),
    str('--driver', { deprecated: 'F10/RHEL6', removed: 'F14/-' }),
    int('--depth', { deprecated: 'F10/RHEL6', removed: 'F14/-' }),
    str('--resolution', { deprecated: 'F10/RHEL6', removed: 'F14/-' }),
    str('--videoram', { deprecated: 'F10/RHEL6', removed: 'F14/-' }),
  ]),
  cmd('logging', [str('--host'), str('--port'), choice('--level', ['debug', 'info', 'warning', 'error', 'critical'], { deprecated: 'F34' })]),

  cmd('rhsm', [
    str('--organization'),
    str('--activation-key', { secret: true }),
    flag('--connect-to-insights'),
    str('--proxy'),
    str('--server-hostname'),
    str('--rhsm-baseurl', { url: true }),
  ], { since: '-/RHEL8' }),
  cmd('syspurpose', [str('--role'), str('--sla'), str('--usage'), str('--addon')], { since: '-/RHEL8' }),
  cmd('key', [flag('--skip')], { since: '-/RHEL6', removed: '-/RHEL7', args: { min: 0, max: 1, what: 'installation number' } }),
  cmd('unsupported_hardware', [], { since: '-/RHEL6', removed: '-/RHEL8' }),
  cmd('monitor', [str('--hsync'), str('--vsync'), str('--monitor'), flag('--noprobe')], { since: '-/RHEL6', removed: '-/RHEL7' }),
];
