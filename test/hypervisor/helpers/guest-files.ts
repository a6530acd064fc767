/** Files the integration guests need and watch: the host's kernel, a scratch disk, log lines. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/core/run.js';

/**
 * The newest Debian kernel in /boot (scripts/setup-host.sh installs linux-image-amd64, which
 * libguestfs needs anyway).
 */
export async function hostKernel(): Promise<string> {
  const kernels = (await readdir('/boot')).filter((f) => f.startsWith('vmlinuz-')).sort();
  const newest = kernels.at(-1);
  if (!newest) throw new Error('no /boot/vmlinuz-*: install linux-image-amd64 (scripts/setup-host.sh does)');
  return join('/boot', newest);
}

export async function scratchDisk(dir: string, name = 'disk.qcow2'): Promise<string> {
  const path = join(dir, name);
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', path, '64M'], { timeoutMs: 30_000 });
  return path;
}

/** Waits until the file contains the text (test helper: checks the file a few times a second). */
export async function waitForText(file: string, text: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const content = await readFile(file, 'utf8').catch(() => '');
    if (content.includes(text)) return content;
    if (Date.now() > deadline) throw new Error(`${JSON.stringify(text)} did not appear in ${file} within ${timeoutMs / 1000} s; it has:\n${content.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
