import { describe, expect, it } from 'vitest';
import { mergeKickstarts } from '../../../src/template/kickstart/merge.js';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { renderKickstart } from '../../../src/template/kickstart/document.js';

const BASE = `text
lang en_US.UTF-8
rootpw --lock
clearpart --all
part /boot --size=512
part / --size=2048 --grow
repo --name=updates --baseurl=http://a/updates/
poweroff

%packages
@core
httpd
%end
`;

function merge(overlay: string) {
  const r = mergeKickstarts(parseKickstart(BASE, 'base.ks').doc, parseKickstart(overlay, 'user.ks').doc);
  return { text: renderKickstart(r.doc), conflicts: r.conflicts };
}

describe('mergeKickstarts: the user kickstart wins', () => {
  it('replaces a single command in place and reports it; an identical one is no conflict', () => {
    expect(merge('lang de_DE.UTF-8\ntext\n')).toEqual({
      text: BASE.replace('lang en_US.UTF-8', 'lang de_DE.UTF-8'),
      conflicts: ["user.ks:1: 'lang de_DE.UTF-8' overrides 'lang en_US.UTF-8' (base.ks:2)"],
    });
  });

  it('replaces all partitioning with the kickstart\'s', () => {
    const r = merge('autopart --type=plain\n');
    expect(r.text).toContain('clearpart --all\nautopart --type=plain\nrepo');
    expect(r.text).not.toContain('part /');
    expect(r.conflicts).toEqual(["user.ks:1: 'autopart --type=plain' overrides 'part /boot --size=512' (base.ks:5), 'part / --size=2048 --grow' (base.ks:6)"]);
  });

  it('a liveimg replaces the source and drops the base %packages', () => {
    const r = merge('liveimg --url=http://x/rootfs.tar.xz\n');
    expect(r.text).not.toContain('%packages');
    expect(r.conflicts).toEqual(['base.ks:10: %packages dropped: the kickstart installs a liveimg']);
  });

  it('repo by name: same name replaces, new name adds; sections are appended', () => {
    const r = merge('repo --name=updates --baseurl=http://b/\nrepo --name=extra --baseurl=http://c/\n\n%post\necho mine\n%end\n');
    expect(r.text).toBe(BASE.replace('repo --name=updates --baseurl=http://a/updates/\npoweroff', 'repo --name=updates --baseurl=http://b/\npoweroff\nrepo --name=extra --baseurl=http://c/') + '\n%post\necho mine\n%end\n');
    expect(r.conflicts).toEqual(["user.ks:1: 'repo --name=updates --baseurl=http://b/' overrides 'repo --name=updates --baseurl=http://a/updates/' (base.ks:7)"]);
  });

  it('a package the kickstart removes is reported', () => {
    expect(merge('%packages\n-httpd\n%end\n').conflicts).toEqual(["user.ks:2: '-httpd' removes 'httpd' that base.ks installs"]);
  });
});
