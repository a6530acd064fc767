import { describe, expect, it } from 'vitest';
import { evaluate, renderTemplate, TemplateError } from '../../src/template/template-engine.js';

const vars = { release: '19', major: '7', arch: 'i686', empty: '', no: 'no', url: 'http://x/a b', pkgs: 'vim, tmux  git' };

describe('conditions', () => {
  it.each([
    ['release', true],
    ['empty', false],
    ['no', false],
    ['!empty', true],
    ['release >= 19', true],
    ['release > 19', false],
    ['major < 10', true], // numbers compare as numbers, not strings
    ['arch == i686', true],
    ['arch != i686', false],
    ['release && empty', false],
    ['empty || release == 19', true],
    ['!url && major >= 7 || arch == i686', true],
  ])('%s → %s', (expr, expected) => {
    expect(evaluate(expr, vars)).toBe(expected);
  });

  it('an unknown variable in a condition is an error', () => {
    expect(() => evaluate('nope == 1', vars)).toThrow(TemplateError);
  });
});

describe('renderTemplate', () => {
  it('substitutes, quotes, splits into lines, and selects lines with if/elif/else/end', () => {
    const text = [
      'a {{release}}',
      'url --url={{url|q}}',
      '{{if major >= 8}}',
      'eight',
      '{{elif major >= 7}}',
      'seven',
      '  {{if empty}}',
      'never',
      '  {{else}}',
      'nested else',
      '  {{end}}',
      '{{else}}',
      'old',
      '{{end}}',
      '{{pkgs|lines}}',
    ].join('\n');
    expect(renderTemplate(text, vars)).toBe('a 19\nurl --url="http://x/a b"\nseven\nnested else\nvim\ntmux\ngit');
  });

  it.each([
    ['{{nope}}', "unknown variable 'nope'", 1],
    ['x\n{{release|upper}}', "unknown filter 'upper' (use q or lines)", 2],
    ['{{end}}', '{{end}} without {{if}}', 1],
    ['{{if release}}\nx', '{{if}} without {{end}}', 1],
  ])('%j fails with a line', (text, message, line) => {
    expect(() => renderTemplate(text, vars)).toThrow(expect.objectContaining({ message, line }));
  });
});
