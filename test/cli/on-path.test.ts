/**
 * After set-up, `kiln` is a command, as the README's usage examples type it (scripts/setup.sh
 * links it with npm link). Runs the command from PATH, as a user would.
 */
import { describe, expect, it } from 'vitest';
import { realpath } from 'node:fs/promises';
import { run } from '../../src/core/run.js';
import { findOnPath } from '../../src/core/tools.js';
import { KILN_VERSION } from '../../src/core/version.js';

describe('kiln on PATH', () => {
  it('is a command that runs kiln', async () => {
    const path = await findOnPath('kiln');
    expect(path, "'kiln' is not on PATH: run scripts/setup.sh").toBeDefined();
    expect(await realpath(path!)).toMatch(/[\\/]dist[\\/]src[\\/]cli[\\/]main\.js$/);
    const version = await run('kiln', ['--version'], { timeoutMs: 30_000 });
    expect(version.stdout.trim()).toBe(KILN_VERSION);
  });
});
