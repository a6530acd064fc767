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
// on the core its one TCG guest leaves idle); then the integration files that only use those
// base images, two at a time: one TCG guest leaves the 2 cores partly idle (a test waits on its
// guest, the guest on I/O). The boot test guests get one vCPU each: beside other guests a 2-vCPU TCG
// guest spends its CPU waiting on its own descheduled vCPU (a boot of 96 CPU-seconds alone cost
// 170–330 paired), which had the suite at 64–66 minutes; with one, 47 (see the README).
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
