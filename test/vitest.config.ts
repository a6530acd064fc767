import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { ALONGSIDE_UNIT, IntegrationSequencer, SERIAL } from './integration-order.js';

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

// Three groups, one after the other (sequence.groupOrder from 1: vitest runs a one-worker group
// of order 0 last): the cheap integration layers, one at a
// time; the install test, which builds the run's base images and measures seconds (the stall
// watchdog, "ends within seconds of the line"), beside the unit files and then the test
// double's own test (two workers: the install test holds one, the others pass through the other,
// on the core its one TCG guest leaves idle); then the integration files that only use those base images, two at a time. One TCG
// guest keeps the machine's 2 cores 50–70% busy (its vCPU threads wait on each other and on I/O,
// and a test waits on guests); two files at once each run ~1.7× slower, but together sooner than
// one after the other (62 → 53 minutes in CI, before the appliance test and the EC2 image's
// UEFI boots; with them 64 minutes, over the hour kiln's CI allows itself: see the README).
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
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: { ...integration, name: 'integration', include: SERIAL.map((f) => `test/integration/${f}`), maxWorkers: 1, sequence: { ...integration.sequence, groupOrder: 1 } },
      },
      {
        test: { ...integration, name: 'integration-install', include: ALONGSIDE_UNIT.map((f) => `test/integration/${f}`), maxWorkers: 2, sequence: { ...integration.sequence, groupOrder: 2 } },
      },
      {
        test: {
          ...integration,
          name: 'integration-paired',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...SERIAL, ...ALONGSIDE_UNIT].map((f) => `test/integration/${f}`),
          maxWorkers: 2,
          sequence: { ...integration.sequence, groupOrder: 3 },
        },
      },
    ],
  },
});
