import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { IntegrationSequencer, SERIAL } from './integration-order.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const integration = {
  root,
  testTimeout: 30 * 60_000,
  hookTimeout: 30 * 60_000,
  sequence: { concurrent: false },
  // One set-up for both integration projects (it makes one run store and serves the trees on a
  // fixed port): see global-setup.ts.
  globalSetup: ['test/integration/fixtures/global-setup.ts'],
};

// Three groups, one after the other (sequence.groupOrder): the unit tests (seconds); the
// integration files that build the run's base images or measure seconds (the install test's stall
// watchdog and "ends within seconds of the line"), one at a time; then the integration files that
// only use those base images, two at a time. One TCG guest keeps the machine's 2 cores 50–70% busy
// (its vCPU threads wait on each other and on I/O, and a test waits on guests), so two files at
// once finish sooner than one after the other without starving each other.
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
        test: { ...integration, name: 'integration', include: SERIAL.map((f) => `test/integration/${f}`), maxWorkers: 1, sequence: { ...integration.sequence, groupOrder: 1 } },
      },
      {
        test: {
          ...integration,
          name: 'integration-paired',
          include: ['test/integration/**/*.test.ts'],
          exclude: SERIAL.map((f) => `test/integration/${f}`),
          maxWorkers: 2,
          sequence: { ...integration.sequence, groupOrder: 2 },
        },
      },
    ],
  },
});
