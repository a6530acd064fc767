/**
 * Writes a stream to a file and hashes it on the way (the checksum is computed while writing: an
 * output is never read back to be hashed). Sequential: several sources can be appended in order.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { diskFullFrom } from './io-errors.js';

export interface WrittenFile {
  path: string;
  sha256: string;
  /** Bytes written (the file's size). */
  bytes: number;
}

export class HashingWriter {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly onBytes?: (bytes: number) => void,
  ) {}

  /** Creates (truncates) `path` for writing. */
  static async create(path: string, onBytes?: (bytes: number) => void): Promise<HashingWriter> {
    try {
      return new HashingWriter(path, await open(path, 'w', 0o644), onBytes);
    } catch (error) {
      throw diskFullFrom(error, path) ?? error;
    }
  }

  /**
   * Creates `path`, lets `fill` write it and closes it: its checksum and size. If `fill` fails the
   * file is closed and the error thrown (the caller removes the file).
   */
  static async writeFile(path: string, fill: (writer: HashingWriter) => Promise<void>, onBytes?: (bytes: number) => void): Promise<WrittenFile> {
    const writer = await HashingWriter.create(path, onBytes);
    try {
      await fill(writer);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    return writer.close();
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    let offset = 0;
    try {
      while (offset < chunk.length) {
        const { bytesWritten } = await this.fh.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    } catch (error) {
      throw diskFullFrom(error, this.path) ?? error;
    }
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
  }

  /** Appends everything `source` yields (a child's stdout, a file stream). */
  async writeAll(source: AsyncIterable<Uint8Array | string>): Promise<void> {
    for await (const chunk of source) await this.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  get written(): number {
    return this.bytes;
  }

  /** Flushes and closes the file; returns its checksum and size. */
  async close(): Promise<WrittenFile> {
    this.closed = true;
    try {
      // No fsync: outputs are renamed into place afterwards and ext4's rename heuristics
      // (auto_da_alloc) cover that pattern; syncing hundreds of MB would cost seconds per output.
      await this.fh.close();
    } catch (error) {
      throw diskFullFrom(error, this.path) ?? error;
    }
    return { path: this.path, sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  /** Closes without a result (on failure; the caller removes the file). */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => {});
  }
}
