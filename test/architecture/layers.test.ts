/**
 * The layering holds: dependency-cruiser over src/, hypervisor/ and scripts/ with the rules of
 * layers.ts finds no violation. A fixture tree that breaks three rules shows the rules bite.
 */
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/version.js';
import { LAYER_RULES } from './layers.js';

async function violations(baseDir: string, roots: string[]): Promise<string[]> {
  const result = await cruise(
    roots,
    { baseDir, validate: true, ruleSet: { forbidden: LAYER_RULES }, tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' }, exclude: { path: '^(dist|test)/' } },
    undefined,
    { tsConfig: undefined },
  );
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
}

describe('the layering of src/ and hypervisor/', () => {
  it('has no import against the rules', async () => {
    expect(await violations(PROJECT_ROOT, ['src', 'hypervisor', 'scripts'])).toEqual([]);
  }, 120_000);

  it('catches an import up the layers, a cycle and a hypervisor import past its index', async () => {
    const found = await violations(join(PROJECT_ROOT, 'test/fixtures/layering'), ['src', 'hypervisor']);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^store-and-image-stand-on-core: src\/image\/shrink\.ts → src\/pipeline\/job\.ts/),
        expect.stringMatching(/^no-cycles: /),
        expect.stringMatching(/^hypervisor-through-its-index: src\/pipeline\/job\.ts → hypervisor\/libvirt\/connection\.ts/),
      ]),
    );
  }, 60_000);
});
