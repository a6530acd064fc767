import { describe, expect, it } from 'vitest';
import { validatePreseed } from '../../src/template/preseed.js';
import { formatDiagnostic } from '../../src/template/kickstart/diagnostics.js';

describe('validatePreseed', () => {
  it('accepts comments, empty values and backslash-continued lines', () => {
    const text = '# c\nd-i netcfg/get_domain string\nd-i preseed/late_command string \\\n  in-target true\nd-i passwd/root-login boolean true\n';
    expect(validatePreseed(text, 'p')).toEqual([]);
  });

  it.each([
    ['d-i mirror/country', "p:1: expected 'owner question type [value]', got 'd-i mirror/country'"],
    ['d-i mirror/country strnig manual', "p:1: unknown debconf type 'strnig' (expected string, boolean, select, multiselect, note, password, text, error, title, seen)"],
    ['d-i passwd/root-login boolean yes', "p:1: passwd/root-login: a boolean must be true or false, not 'yes'"],
    ['D-I x/y string z', "p:1: 'D-I' is not a package name (the owner of the question)"],
    ['d-i hostname string {{hostname}}', "p:1: unrendered template text: d-i hostname string {{hostname}}"],
  ])('%j', (line, message) => {
    expect(validatePreseed(line, 'p').map(formatDiagnostic)).toContain(message);
  });
});
