import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashingWriter } from '../../src/image/hashing-writer.js';
import { pipeToWriter } from '../../src/image/pipeline.js';

describe('pipeToWriter (real processes)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-pipeline-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('connects the stages and writes the last one\'s output', async () => {
    const writer = await HashingWriter.create(join(dir, 'ok'));
    await pipeToWriter([{ file: 'printf', args: ['b\\na\\nc\\n'] }, { file: 'sort', args: [] }], writer, { timeoutMs: 30_000 });
    await writer.close();
    expect(await readFile(join(dir, 'ok'), 'utf8')).toBe('a\nb\nc\n');
  });

  // A Ctrl-C reaches every stage at once, while the consumer lags behind (kiln holds the producer's
  // unread output). That must end in an error, not in a wait that never ends.
  it('fails (does not hang) when Ctrl-C kills every stage while data is in flight', async () => {
    const writer = await HashingWriter.create(join(dir, 'interrupted'));
    const pids = [join(dir, 'producer.pid'), join(dir, 'consumer.pid')];
    const producer = { file: 'sh', args: ['-c', `echo $$ > ${pids[0]}; exec yes kiln`] };
    const consumer = { file: 'sh', args: ['-c', `echo $$ > ${pids[1]}; exec sleep 30`] };
    const running = pipeToWriter([producer, consumer], writer, { timeoutMs: 60_000 });
    const outcome = running.then(() => 'resolved', (error: unknown) => error);
    await vi.waitFor(async () => Promise.all(pids.map((f) => readFile(f, 'utf8'))), { timeout: 5_000 });
    // Data in flight: the producer is blocked writing into its full stdout (a pipe, or the socket
    // pair libuv gives a child; the kernel's wait channel says which).
    const producerPid = Number(await readFile(pids[0]!, 'utf8'));
    await vi.waitFor(async () => expect(await readFile(`/proc/${producerPid}/wchan`, 'utf8')).toMatch(/pipe_write|sock_alloc_send/), { timeout: 10_000, interval: 20 });
    for (const f of pids) process.kill(Number(await readFile(f, 'utf8')), 'SIGINT');
    const settled = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('still waiting'), 5_000))]);
    expect(settled).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/SIGINT/) });
    await writer.abort();
  });

  it('fails when the first stage dies while the next one waits for more', async () => {
    const writer = await HashingWriter.create(join(dir, 'producer-died'));
    const dies = { file: 'sh', args: ['-c', 'yes | head -c 1000000; kill -TERM $$'] };
    await expect(pipeToWriter([dies, { file: 'cat', args: [] }], writer, { timeoutMs: 30_000 })).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    await writer.abort();
  });
});
