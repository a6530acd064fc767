/**
 * No finding about a kickstart ever quotes a secret's value (a password, a passphrase, a key),
 * whatever is wrong with the line; and the redacted copy kiln logs holds none of them, however
 * the option is spelt.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/template/kickstart/diagnostics.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { redactKickstart } from '../../../src/template/kickstart/redact.js';
import { renderKickstart } from '../../../src/template/kickstart/document.js';
import { validateKickstart } from '../../../src/template/kickstart/validate.js';
import { allVersions, resolveSyntaxVersion } from '../../../src/template/kickstart/versions.js';
import { loadKickstartText } from '../../../src/template/kickstart/include.js';

const SECRET = 'S3cr3tV4lue';

/** Lines that hold SECRET and are wrong in some way (or valid), each as written in a kickstart. */
const LINES = [
  `rootpw --plaintext ${SECRET}#123`,
  `rootpw --plaintext abc#${SECRET}`,
  `rootpw --plaintext ${SECRET} extra words`,
  `rootpw ${SECRET} --bogus`,
  `rootpw -${SECRET}`,
  `rootpw --iscrypted --${SECRET}`,
  `rootpw --plaintext "${SECRET}`,
  `rootpw --plaintext ${SECRET}\\`,
  `user --name=bob --password=${SECRET} --bogus`,
  `user --name=bob --password ${SECRET}#x`,
  `user --name=bob --passw=${SECRET} --uid=x`,
  `bootloader --password=${SECRET} --location=floppy`,
  `bootloader --md5pass=${SECRET} --timeout=x`,
  `bootloader --password=${SECRET} --iscrypted=yes`,
  `sshpw --username=root ${SECRET} ${SECRET}2`,
  `sshpw --username=root --plaintext -${SECRET}`,
  `part / --size=x --encrypted --passphrase=${SECRET}`,
  `part / --encrypted --passphrase ${SECRET} --hw-passphrase=${SECRET} --luks-version=luks1`,
  `logvol / --vgname=vg --name=lv --passphrase=${SECRET}`,
  `raid / --device=md0 --level=9 --passphrase=${SECRET} raid.1`,
  `autopart --passphrase=${SECRET} --type=nope`,
  `network --wpakey=${SECRET} --bootproto=nope`,
  `network --wepkey=${SECRET} --onboot=maybe`,
  `iscsi --password=${SECRET} --reverse-password=${SECRET} --port=x`,
  `vnc --password=${SECRET} --bogus`,
  `rdp --password=${SECRET} --bogus`,
  `rhsm --organization=o --activation-key=${SECRET} --bogus`,
  `key ${SECRET} extra`,
  `realm join --one-time-password=${SECRET} a.example b.example`,
  `url --url=http://user:${SECRET}@mirror.example.com/os/ --proxy=http://u:${SECRET}@proxy:3128`,
  `liveimg --url=ftpx://user:${SECRET}@host/img`,
  `repo --name=x --baseurl=hxxp://user:${SECRET}@host/`,
];

describe('no finding quotes a secret', () => {
  const versions = ['FC3', 'RHEL5', 'F12', 'RHEL6', 'F19', 'RHEL7', 'F30', 'RHEL8', 'RHEL9', 'F38', 'RHEL10', 'F45'];
  it.each(LINES)('%s', (line) => {
    for (const name of versions) {
      const parsed = parseKickstart(`${line}\n`, 'x.ks');
      const found = [...parsed.diagnostics, ...validateKickstart(parsed.doc, resolveSyntaxVersion(name).version).diagnostics].map(formatDiagnostic);
      for (const f of found) expect(f, `${name}: ${f}`).not.toContain(SECRET);
    }
  });

  it('nor in any version, for the two passwords a line can carry', () => {
    for (const v of allVersions()) {
      const parsed = parseKickstart(`rootpw --plaintext ${SECRET} more\nuser --name=u --password=${SECRET} --bogus\n`, 'x.ks');
      for (const d of validateKickstart(parsed.doc, v).diagnostics) expect(d.message, v.name).not.toContain(SECRET);
    }
  });
});

describe('nor does a failed %include of a URL with credentials', () => {
  it('drops user:password@ from the message', async () => {
    const fetch = (async () => new Response('gone', { status: 404, statusText: 'Not Found' })) as typeof globalThis.fetch;
    const loaded = await loadKickstartText(`%include https://admin:${SECRET}@ks.example.com/part.ks\n`, '/tmp/x.ks', { cwd: '/tmp', fetch });
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual(['x.ks:1: %include https://ks.example.com/part.ks: cannot read https://ks.example.com/part.ks: HTTP 404 Not Found']);
  });
});

describe('the redacted kickstart holds no secret', () => {
  it.each(LINES.filter((l) => !l.includes('"') && !l.endsWith('\\')))('%s', (line) => {
    const parsed = parseKickstart(`${line}\n`, 'x.ks');
    const text = renderKickstart(redactKickstart(parsed.doc));
    expect(text).not.toContain(SECRET);
    expect(text).toContain('REDACTED');
  });
});
