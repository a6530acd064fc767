import { describe, expect, it } from 'vitest';
import { ANACONDA_FAILURE_PATTERNS } from '../../../src/installers/anaconda/log-patterns.js';
import { matchFailure } from '../../../src/installers/failure-patterns.js';

describe('matchFailure', () => {
  it.each([
    // Anaconda's dracut module on the console when the tree has no usable installer image.
    ['dracut-initqueue[612]: Warning: anaconda: failed to fetch stage2 from http://10.0.2.2:8000/tree', 'stage2-fetch'],
    ['[   14.2] dracut Warning: anaconda: failed to fetch stage2 from http://mirror/os', 'stage2-fetch'],
    ['dracut: FATAL: Failed to mount block device of live image', 'dracut-fatal'],
    ['12:00:01,000 ERROR anaconda: There was an error running the kickstart script at line 40.  This is a fatal error', 'script-failed'],
    ['12:00:01,000 CRITICAL exception: Traceback (most recent call last):', 'traceback'],
  ])('%s → %s', (line, id) => {
    expect(matchFailure(line, ANACONDA_FAILURE_PATTERNS)?.pattern.id).toBe(id);
  });

  it.each([
    // dracut tries images/install.img, then LiveOS/squashfs.img: one failed download is not the end.
    "dracut-initqueue[612]: Warning: Downloading 'http://10.0.2.2:8000/tree/images/install.img' failed!",
    "dracut-initqueue[612]: Warning: can't find installer main image path in .treeinfo",
    'dracut-initqueue[612]: anaconda: successfully fetched stage2 from http://10.0.2.2:8000/tree',
    '12:00:01,000 INFO anaconda: Running kickstart %onerror script(s)',
  ])('%s is no failure', (line) => {
    expect(matchFailure(line, ANACONDA_FAILURE_PATTERNS)).toBeUndefined();
  });
});
