import { describe, expect, it } from 'vitest';
import { formatBytes, parseDuration, parseSize } from '../../src/core/units.js';
import { isKilnError } from '../../src/core/errors.js';

describe('parseSize', () => {
  it.each([
    ['6G', 6 * 1024 ** 3],
    ['6GiB', 6 * 1024 ** 3],
    ['6GB', 6e9],
    ['512M', 512 * 1024 ** 2],
    ['4096', 4096],
    ['1.5g', 1.5 * 1024 ** 3],
  ])('%s = %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));
  it.each(['', 'six', '6X', '-1G', '0'])('%s is a usage error', (text) => {
    try {
      parseSize(text, '--disk-size');
      expect.unreachable();
    } catch (error) {
      expect(isKilnError(error) && error.usage).toBe(true);
      expect((error as Error).message).toContain('--disk-size');
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['300', 300],
    ['20s', 20],
    ['5m', 300],
    ['3h', 10800],
  ])('%s = %d s', (text, s) => expect(parseDuration(text)).toBe(s));
  it('rejects nonsense', () => expect(() => parseDuration('soon')).toThrow(/invalid duration/));
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1536, '1.50 KiB'],
    [4 * 1024 ** 3, '4.00 GiB'],
    [985 * 1024 ** 2, '985.0 MiB'],
  ])('%d → %s', (n, s) => expect(formatBytes(n)).toBe(s));
});
