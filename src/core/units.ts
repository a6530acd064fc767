/** Parsing of sizes ("6G", "512MiB", "4096") and durations ("300", "20s", "5m") given by users. */
import { usageError } from './errors.js';

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kb: 1000, kib: 1024,
  m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1000 ** 4, tib: 1024 ** 4,
};

/** Bytes from "6G" (GiB), "6GiB", "6GB" (decimal), "512M", "4096". */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw usageError(`invalid ${what} '${text}'`, 'Use a number with an optional unit: 6G, 6GiB, 512M, 10GB.');
  }
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes <= 0) throw usageError(`invalid ${what} '${text}': must be greater than zero`);
  return bytes;
}

const DURATION_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds from "300", "20s", "5m", "1h", "7d". */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/.exec(text);
  if (!m) throw usageError(`invalid ${what} '${text}'`, 'Use seconds, or a number with s, m, h or d: 300, 20s, 5m, 7d.');
  const seconds = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  if (seconds <= 0) throw usageError(`invalid ${what} '${text}': must be greater than zero`);
  return seconds;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
