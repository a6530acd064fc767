/**
 * Follows a file another process appends to (QEMU's serial and virtio-serial logs) and hands out
 * whole lines. Lines are split here, once, before they become events. Reading is by offset, so a
 * file that does not exist yet is simply empty; `drain()` reads what is left and flushes the last
 * partial line (used when the guest has stopped, before deciding how it ended). A prompt (getty's
 * `login: `) ends with no newline and waits: a partial line that matches `prompt` is handed out
 * as it is, since nothing more of it will come.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const READ_CHUNK = 256 * 1024;

export class FileTail {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
    private readonly prompt?: RegExp,
  ) {}

  /** Starts reading every `intervalMs`. */
  start(intervalMs = 250): void {
    this.timer = setInterval(() => void this.readOnce(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads everything appended so far and flushes a trailing partial line. */
  async drain(): Promise<void> {
    await this.readOnce();
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.onLine(rest);
  }

  private readOnce(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return;
    }
    try {
      const buffer = Buffer.alloc(READ_CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.push(this.decoder.write(buffer.subarray(0, bytesRead)));
      }
    } finally {
      await handle.close();
    }
  }

  private push(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
    if (this.prompt && this.partial !== '' && this.prompt.test(this.partial)) {
      const prompt = this.partial.replace(/\r$/, '');
      this.partial = '';
      this.onLine(prompt);
    }
  }
}
