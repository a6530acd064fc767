import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';
import { formatError } from '../../src/cli/print-error.js';
import { KilnError } from '../../src/core/errors.js';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { parseArgv } from '../../src/cli/program.js';
import { commands } from '../../src/cli/commands/index.js';

describe('kiln CLI frame', () => {
  it('prints help with no arguments and exits 0', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kiln/);
    expect(r.stderr).toBe('');
  });

  it('takes every command line the README shows: its commands, options and values exist', async () => {
    const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)]
      .flatMap((block) => block[1]!.replace(/\\\n\s*/g, ' ').split('\n'))
      .map((line) => line.replace(/\s+#.*$/, '').replace(/\s*>.*$/, '').trim())
      .filter((line) => line.startsWith('kiln '));
    expect(examples.length).toBeGreaterThan(20);
    for (const line of examples) expect(() => parseArgv(commands, line.split(/\s+/).slice(1), () => {}), line).not.toThrow();
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['images', '--no-such-flag'], "unknown option '--no-such-flag'"],
    [['logs'], "missing required argument 'id'"],
  ])('%j is a usage error: exit 2, message on stderr', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kiln: error [USAGE]');
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('an empty store lists nothing; --json gives a result line', async () => {
    const store = await mkdtemp(join(tmpdir(), 'kiln-cli-'));
    try {
      const plain = await runCli(['images', '--store', store]);
      expect(plain).toMatchObject({ code: 0 });
      expect(plain.stdout).toContain('no base images');
      const json = await runCli(['images', '--store', store, '--json']);
      expect(JSON.parse(json.stdout.trim())).toEqual({ type: 'result', data: [] });
    } finally {
      await rm(store, { recursive: true, force: true });
    }
  });

  it('a store that does not exist is an error, not an empty list', async () => {
    const r = await runCli(['images', '--store', '/nonexistent-kiln-store']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[STORE_MISSING\]: there is no store at \/nonexistent-kiln-store/);
  });

  it('a failure exits 1 with code and hint, printed once: text on stderr, or one JSON line with --json', async () => {
    const store = await mkdtemp(join(tmpdir(), 'kiln-cli-'));
    try {
      const text = await runCli(['logs', 'abcdef', '--store', store]);
      expect(text.code).toBe(1);
      expect(text.stdout).toBe('');
      expect(text.stderr.match(/kiln: error \[STORE_NOT_FOUND\]/g)).toHaveLength(1);
      expect(text.stderr).toMatch(/hint: 'kiln images' lists the store/);
      const r = await runCli(['logs', 'abcdef', '--store', store, '--json']);
      expect(r.code).toBe(1);
      const line = JSON.parse(r.stdout.trim());
      expect(line).toMatchObject({ type: 'error', code: 'STORE_NOT_FOUND', exitCode: 1, hint: expect.stringMatching(/'kiln images' lists the store/) });
      expect(r.stderr).toBe('');
    } finally {
      await rm(store, { recursive: true, force: true });
    }
  });

  it('a failure of a run already interrupted (Ctrl-C reached its children first) is reported as the interruption, exit 130', async () => {
    const store = await mkdtemp(join(tmpdir(), 'kiln-cli-'));
    try {
      const controller = new AbortController();
      controller.abort(new KilnError('INTERRUPTED', 'interrupted: received SIGINT', { exitCode: 130 }));
      const r = await runCli(['logs', 'abcdef', '--store', store, '--json'], { signal: controller.signal });
      expect(r.code).toBe(130);
      const line = JSON.parse(r.stdout.trim());
      expect(line).toMatchObject({ type: 'error', code: 'INTERRUPTED', message: 'interrupted: received SIGINT', details: [expect.stringContaining('[STORE_NOT_FOUND]')] });
    } finally {
      await rm(store, { recursive: true, force: true });
    }
  });
});

describe('formatError', () => {
  it('puts file:line first, then details, cause and hint', () => {
    const text = formatError(
      new KilnError('KS_INVALID', 'part: unknown option --sise (did you mean --size?)', {
        source: { file: 'cloud.ks', line: 12 },
        details: ['cloud.ks:14: second problem'],
        cause: new Error('underlying'),
        hint: 'Run kiln ks validate.',
      }),
    );
    expect(text.split('\n')).toEqual([
      'kiln: error [KS_INVALID]: cloud.ks:12: part: unknown option --sise (did you mean --size?)',
      '  cloud.ks:14: second problem',
      '  cause: underlying',
      'hint: Run kiln ks validate.',
    ]);
  });
  it('shows a stack for internal errors (a kiln bug)', () => {
    expect(formatError(new TypeError('x is undefined'))).toMatch(/^kiln: error \[INTERNAL\]: x is undefined\n {2}at /);
  });
});
