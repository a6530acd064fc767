import { describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTail } from '../../src/pipeline/file-tail.js';

describe('FileTail', () => {
  it('hands out whole lines as the file grows, including a multi-byte character split across writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-tail-'));
    const path = join(dir, 'console.log');
    const lines: string[] = [];
    const tail = new FileTail(path, (l) => lines.push(l));
    try {
      await tail.drain(); // file does not exist yet: nothing, no error
      await appendFile(path, 'first\r\nsec');
      await tail['readOnce']();
      expect(lines).toEqual(['first']);
      const euro = Buffer.from('€');
      await appendFile(path, Buffer.concat([Buffer.from('ond '), euro.subarray(0, 1)]));
      await tail['readOnce']();
      await appendFile(path, Buffer.concat([euro.subarray(1), Buffer.from('\nlast without newline')]));
      await tail.drain();
      expect(lines).toEqual(['first', 'second €', 'last without newline']);
    } finally {
      tail.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
