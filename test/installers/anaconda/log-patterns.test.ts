/**
 * Anaconda's failure lines as the install stage sees them: a line on the console or the log port
 * that means the install failed ends it at once with a reason that says what happened; a line
 * that only looks alarming does not.
 */
import { describe, expect, it } from 'vitest';
import { anacondaPlan, watching } from './plan.js';

const plan = anacondaPlan('[general]\nfamily = Fedora\nversion = 19\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\n');

function watch(stream: 'console' | 'log', line: string) {
  const m = watching(plan);
  m.feed({ kind: 'line', at: 1, stream, line });
  return m;
}

describe("the Anaconda driver's failure lines", () => {
  it.each([
    // Anaconda's dracut module on the console when the tree has no usable installer image.
    ['console', 'dracut-initqueue[612]: Warning: anaconda: failed to fetch stage2 from http://10.0.2.2:8000/tree', /installer image \(stage2\)/],
    ['console', '[   14.2] dracut Warning: anaconda: failed to fetch stage2 from http://mirror/os', /installer image \(stage2\)/],
    ['console', 'dracut: FATAL: Failed to mount block device of live image', /initramfs/],
    ['log', '12:00:01,000 ERROR anaconda: There was an error running the kickstart script at line 40.  This is a fatal error', /script failed/],
    ['log', '12:00:01,000 CRITICAL exception: Traceback (most recent call last):', /crashed/],
  ] as const)('%s: %s fails the install, saying why', (stream, line, why) => {
    const m = watch(stream, line);
    expect(m.state).toBe('failed');
    expect(m.failure).toMatchObject({ reason: 'installer-error', line });
    expect(m.failure!.message).toMatch(why);
  });

  it.each([
    // dracut tries images/install.img, then LiveOS/squashfs.img: one failed download is not the end.
    ['console', "dracut-initqueue[612]: Warning: Downloading 'http://10.0.2.2:8000/tree/images/install.img' failed!"],
    ['console', "dracut-initqueue[612]: Warning: can't find installer main image path in .treeinfo"],
    ['console', 'dracut-initqueue[612]: anaconda: successfully fetched stage2 from http://10.0.2.2:8000/tree'],
    ['log', '12:00:01,000 INFO anaconda: Running kickstart %onerror script(s)'],
  ] as const)('%s: %s is no failure', (stream, line) => {
    expect(watch(stream, line).failure).toBeUndefined();
  });
});
