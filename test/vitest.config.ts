import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { IntegrationSequencer } from './integration-order.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Two projects: fast units (everything but test/integration) and integration tests that start
// real QEMU guests through libvirt. Integration files run one at a time (the machine has 2 cores),
// in the order of integration-order.ts; the sequencer is a root option (vitest has no per-project one).
export default defineConfig({
  test: {
    root,
    sequence: { sequencer: IntegrationSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          root,
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'node_modules/**', 'dist/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          root,
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30 * 60_000,
          hookTimeout: 30 * 60_000,
          fileParallelism: false,
          sequence: { concurrent: false },
          globalSetup: ['test/integration/fixtures/global-setup.ts'],
        },
      },
    ],
  },
});
