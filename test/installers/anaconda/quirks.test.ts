/**
 * The Anaconda quirks table seen from outside: for a tree of a given family and version, the
 * kernel command line the driver boots and how the install is watched (whether console text
 * counts as the installer having started, or only its virtio log port does). What the rows hold
 * is not restated here; what they make the driver do is.
 */
import { describe, expect, it } from 'vitest';
import { anacondaPlan as planFor, watching } from './plan.js';

const REPO = 'http://10.0.2.2:8000/tree/';

const tree = (general: string, extra = '') => `[general]\n${general}\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\n${extra}`;

/** The first three kernel arguments: where the kickstart is, where the tree is, the UI mode. */
const bootOptions = (plan: ReturnType<typeof planFor>) => plan.cmdline({ repoUrl: REPO, extra: [] }).split(' ').slice(0, 3);

/** Whether a line Anaconda prints on the serial console, with nothing on the log port yet, counts as the install having started. */
function startsOnConsole(plan: ReturnType<typeof planFor>): boolean {
  const m = watching(plan);
  m.feed({ kind: 'line', at: 1, stream: 'console', line: 'Running anaconda 13.21.229, the Red Hat Enterprise Linux system installer - please wait.' });
  return m.state === 'installing';
}

const DRACUT = [`inst.ks=file:/ks.cfg`, `inst.repo=${REPO}`, 'inst.text'];
const ANACONDA_13 = [`ks=file:/ks.cfg`, `repo=${REPO}`, 'text'];

describe('the Anaconda a tree holds decides how kiln boots and watches it', () => {
  it.each([
    // [what, .treeinfo, boot options, started on console text, warns]
    ['Fedora 19', tree('family = Fedora\nversion = 19'), DRACUT, false, false],
    ['Fedora 40', tree('family = Fedora\nversion = 40'), DRACUT, false, false],
    ['CentOS 7', tree('family = CentOS\nversion = 7'), DRACUT, false, false],
    ['CentOS Stream 9', tree('family = CentOS Stream\nversion = 9'), DRACUT, false, false],
    // Anaconda 13 takes the bare option names and has no virtio log port: its console is all there is.
    ['RHEL 6.5', tree('family = Red Hat Enterprise Linux\nversion = 6.5'), ANACONDA_13, true, false],
    // Fedora 17 has dracut's inst. options but not yet the log port.
    ['Fedora 17', tree('family = Fedora\nversion = 17'), DRACUT, true, false],
    // Unknown: the newest Anaconda kiln knows, and the user is told.
    ['an unknown distribution', tree('family = SomethingElse\nversion = 3'), DRACUT, false, true],
    ['Fedora without a version', tree('family = Fedora'), DRACUT, false, true],
    ['a tree without .treeinfo', undefined, DRACUT, false, true],
  ] as const)('%s', (_what, treeinfo, options, onConsole, warns) => {
    const plan = planFor(treeinfo);
    expect(bootOptions(plan)).toEqual(options);
    expect(startsOnConsole(plan)).toBe(onConsole);
    expect(plan.warning !== undefined).toBe(warns);
  });

  it('a kickstart in cmdline mode boots Anaconda in cmdline mode, under the option name its version takes', () => {
    expect(bootOptions(planFor(tree('family = Fedora\nversion = 19'), { cmdlineMode: true }))[2]).toBe('inst.cmdline');
    expect(bootOptions(planFor(tree('family = Red Hat Enterprise Linux\nversion = 6'), { cmdlineMode: true }))[2]).toBe('cmdline');
  });

  it('every install is watched on the log port: one line there means the installer runs', () => {
    for (const treeinfo of [tree('family = Fedora\nversion = 19'), tree('family = Red Hat Enterprise Linux\nversion = 6')]) {
      const m = watching(planFor(treeinfo));
      m.feed({ kind: 'line', at: 1, stream: 'log', line: '12:00:00,000 INFO anaconda: starting' });
      expect(m.state).toBe('installing');
    }
  });

  it('boots the kickstart from the initrd, the serial port last among the consoles, then the template parameters', () => {
    const args = planFor(tree('family = Fedora\nversion = 19')).cmdline({ repoUrl: REPO, extra: ['net.ifnames=0'] });
    expect(args).toBe(`inst.ks=file:/ks.cfg inst.repo=${REPO} inst.text console=tty0 console=ttyS0,115200n8 net.ifnames=0`);
  });
});

describe("a tree's [kiln] section names the Anaconda it behaves like", () => {
  it('and kiln boots it as that one, without a warning', () => {
    const plan = planFor(tree('family = Foo Linux\nversion = 3', '[kiln]\nanaconda_family = Red Hat Enterprise Linux\nanaconda_version = 6\n'));
    expect(plan.warning).toBeUndefined();
    expect(bootOptions(plan)).toEqual(ANACONDA_13);
    expect(startsOnConsole(plan)).toBe(true);
  });

  it('a [kiln] section without a version is ignored: the release decides, with a warning naming it', () => {
    const plan = planFor(tree('family = Foo Linux\nversion = 3', '[kiln]\nanaconda_family = Fedora\n'));
    expect(bootOptions(plan)).toEqual(DRACUT);
    expect(plan.warning).toContain("'Foo Linux 3' is not in kiln's Anaconda table");
  });
});
