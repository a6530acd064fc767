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

  it("hands out a prompt that waits with no newline (getty's login:), once, and only a prompt", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-tail-'));
    const path = join(dir, 'console.log');
    const lines: string[] = [];
    const tail = new FileTail(path, (l) => lines.push(l), /\slogin: ?$/);
    try {
      await appendFile(path, 'Debian GNU/Linux 12 localhost ttyS0\r\n\r\nlocalhost login: ');
      await tail['readOnce']();
      expect(lines).toEqual(['Debian GNU/Linux 12 localhost ttyS0', '', 'localhost login: ']);
      await tail['readOnce']();
      await appendFile(path, '[  99.1] a kernel line that has not ended');
      await tail['readOnce']();
      expect(lines).toHaveLength(3);
      await appendFile(path, '\n');
      await tail.drain();
      expect(lines.at(-1)).toBe('[  99.1] a kernel line that has not ended');
    } finally {
      tail.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
