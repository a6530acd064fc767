import { describe, expect, it } from 'vitest';
import { quoteWord, tokenize } from '../../../src/template/kickstart/tokenize.js';

// Expected words are what Python's shlex.split(line, comments=True) returns for the same line.
describe('tokenize: shlex.split(line, comments=True) as pykickstart uses it', () => {
  it.each([
    ['part / --size=100 --grow', ['part', '/', '--size=100', '--grow']],
    ['  bootloader   --append="console=ttyS0 quiet"  ', ['bootloader', '--append=console=ttyS0 quiet']],
    ["keyboard --xlayouts='us','de'", ['keyboard', '--xlayouts=us,de']],
    ['rootpw "a \\"quoted\\" pw"', ['rootpw', 'a "quoted" pw']],
    ['rootpw "back\\\\slash \\n kept"', ['rootpw', 'back\\slash \\n kept']],
    ["rootpw 'single \\ literal'", ['rootpw', 'single \\ literal']],
    ['rootpw un\\ quoted', ['rootpw', 'un quoted']],
    ['text # a comment', ['text']],
    ['rootpw "has # inside"', ['rootpw', 'has # inside']],
    ['repo --name=x --baseurl=http://h/p?a=1&b=2', ['repo', '--name=x', '--baseurl=http://h/p?a=1&b=2']],
    ['network --device ""', ['network', '--device', '']],
    ['part / --fstype=ext4\t--size=1', ['part', '/', '--fstype=ext4', '--size=1']],
  ])('%j', (line, words) => {
    const r = tokenize(line);
    expect(r.words).toEqual(words);
    expect(r.error).toBeUndefined();
  });

  it('a comment glued to a word cuts it, as shlex does, and says so', () => {
    const r = tokenize('rootpw --plaintext abc#123 more');
    expect(r.words).toEqual(['rootpw', '--plaintext', 'abc']);
    expect(r.comment).toBe('#123 more');
    expect(r.warning).toBe("a '#' right after a word (column 23) starts a comment and cuts the word there; quote the value if '#' belongs to it");
    // The word may be a password: the warning never quotes it.
    expect(r.warning).not.toContain('abc');
  });

  it('keeps the trailing comment with its leading space for re-rendering', () => {
    expect(tokenize('text   # keep me').comment).toBe('   # keep me');
  });

  it.each([
    ['bootloader --append="unclosed', 'no closing quotation (") on this line'],
    ["rootpw 'unclosed", "no closing quotation (') on this line"],
    ['part / \\', "line ends with '\\': kickstart has no line continuation, put the whole command on one line"],
  ])('%j is an error', (line, error) => {
    expect(tokenize(line).error).toBe(error);
  });

  it.each(['plain', 'with space', 'quo"te', 'back\\slash', 'hash#tag', '', 'dollar $HOME', "it's", 'console=ttyS0,115200n8'])(
    'quoteWord(%j) tokenizes back to itself',
    (word) => {
      expect(tokenize(`x ${quoteWord(word)}`).words).toEqual(['x', word]);
    },
  );
});
