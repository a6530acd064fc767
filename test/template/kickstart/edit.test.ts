import { describe, expect, it } from 'vitest';
import { parseKickstart } from '../../../src/template/kickstart/parse.js';
import { renderKickstart } from '../../../src/template/kickstart/document.js';
import {
  addCommand,
  appendSection,
  appendSectionText,
  findCommands,
  getCommand,
  getOption,
  getPositionals,
  mapUrls,
  removeCommands,
  removeOption,
  setCommand,
  setOption,
} from '../../../src/template/kickstart/edit.js';

const KS = `# base image
text
rootpw --iscrypted $6$abc   # the admin's
liveimg --url http://old.example/rootfs.tar.xz --checksum=abc123
url --url=http://mirror.example/os/
repo --name=updates --baseurl="http://mirror.example/updates/"
partition / --size=1024
updates http://mirror.example/updates.img
%include http://mirror.example/extra.ks

%packages
@core
%end
`;

const doc = () => parseKickstart(KS, 'base.ks').doc;

describe('reading', () => {
  it.each([
    ['liveimg', '--url', 'http://old.example/rootfs.tar.xz'],
    ['liveimg', '--checksum', 'abc123'],
    ['url', '--url', 'http://mirror.example/os/'],
    ['repo', '--baseurl', 'http://mirror.example/updates/'],
    ['rootpw', '--iscrypted', true],
    ['part', '--size', '1024'],
    ['bootloader', '--append', undefined],
  ])('%s %s', (command, option, value) => {
    const c = getCommand(doc(), command);
    expect(c ? getOption(c, option) : undefined).toEqual(value);
  });

  it('finds every spelling of a command and its positionals', () => {
    const d = doc();
    expect(findCommands(d, 'part').map((c) => c.name)).toEqual(['partition']);
    expect(getPositionals(getCommand(d, 'rootpw')!)).toEqual(['$6$abc']);
    expect(getPositionals(getCommand(d, 'part')!)).toEqual(['/']);
  });
});

describe('editing keeps every untouched line', () => {
  it('setOption replaces a value where it stands and keeps the trailing comment', () => {
    const d = doc();
    setOption(getCommand(d, 'rootpw')!, '--iscrypted', true);
    setOption(getCommand(d, 'liveimg')!, '--checksum', 'def456');
    const text = renderKickstart(d);
    expect(text).toContain('rootpw --iscrypted $6$abc   # the admin\'s');
    expect(text).toContain('liveimg --url http://old.example/rootfs.tar.xz --checksum=def456');
    expect(text.replace(/liveimg .*/, '')).toBe(KS.replace(/liveimg .*/, ''));
  });

  it('removeOption, setCommand, addCommand, removeCommands', () => {
    const d = doc();
    removeOption(getCommand(d, 'liveimg')!, '--checksum');
    setCommand(d, 'poweroff');
    setCommand(d, 'rootpw', ['--plaintext', 'new pw']);
    addCommand(d, 'repo', ['--name=extra', '--baseurl=http://x/']);
    expect(removeCommands(d, 'url')).toBe(1);
    expect(renderKickstart(d)).toBe(`# base image
text
rootpw --plaintext "new pw"   # the admin's
liveimg --url http://old.example/rootfs.tar.xz
repo --name=updates --baseurl="http://mirror.example/updates/"
partition / --size=1024
updates http://mirror.example/updates.img
poweroff
repo --name=extra --baseurl=http://x/
%include http://mirror.example/extra.ks

%packages
@core
%end
`);
  });

  it('an edited option value is quoted on its own, as people write it', () => {
    const d = parseKickstart('bootloader --location=mbr\n', 'b.ks').doc;
    setOption(getCommand(d, 'bootloader')!, '--append', 'console=ttyS0 quiet');
    expect(renderKickstart(d)).toBe('bootloader --location=mbr --append="console=ttyS0 quiet"\n');
  });

  it('setCommand collapses several spellings into one', () => {
    const d = parseKickstart('reboot\ntext\nhalt\n', 'a.ks').doc;
    setCommand(d, 'poweroff', [], ['reboot', 'halt']);
    expect(renderKickstart(d)).toBe('poweroff\ntext\n');
  });

  it('appends sections, from parts or from text', () => {
    const d = parseKickstart('text\n', 'a.ks').doc;
    appendSection(d, '%post', ['--nochroot'], 'echo one\necho two\n');
    appendSectionText(d, '%post --erroronfail\necho three\n%end\n');
    expect(renderKickstart(d)).toBe('text\n\n%post --nochroot\necho one\necho two\n%end\n\n%post --erroronfail\necho three\n%end\n');
    expect(() => appendSectionText(d, 'text\n')).toThrow(/not a kickstart section/);
  });
});

describe('mapUrls', () => {
  it('rewrites every URL the kickstart names, in place, and reports where', () => {
    const d = doc();
    const seen: string[] = [];
    const n = mapUrls(d, (url, site) => {
      seen.push(`${site.command} ${site.option ?? ''}`.trim());
      return url.replace('http://mirror.example', 'http://10.0.2.2:8080').replace('http://old.example', 'http://10.0.2.2:8080');
    });
    expect(n).toBe(5);
    expect(seen).toEqual(['liveimg --url', 'url --url', 'repo --baseurl', 'updates', '%include']);
    expect(renderKickstart(d)).toBe(KS.replaceAll('http://mirror.example', 'http://10.0.2.2:8080').replaceAll('http://old.example', 'http://10.0.2.2:8080').replace('--baseurl="http://10.0.2.2:8080/updates/"', '--baseurl=http://10.0.2.2:8080/updates/'));
  });

  it('leaves the document untouched when nothing changes', () => {
    const d = doc();
    expect(mapUrls(d, (u) => u)).toBe(0);
    expect(renderKickstart(d)).toBe(KS);
  });
});
