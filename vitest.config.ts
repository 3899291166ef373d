import { defineConfig } from 'vitest/config';

// expect.poll waits for a condition; its default of one second is shorter than a process
// start on a loaded two-core machine. A condition that comes true returns at once.
const expect = { poll: { timeout: 15_000 } };

// One runner for every kind of test; `./werkbank test` runs all projects and sums them up.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          expect,
          include: ['runner/**/*.test.ts', 'checks/**/*.test.ts', 'labs/**/*.test.ts', 'docker/**/*.test.ts', 'site/*.test.ts'],
          exclude: ['**/*.kwok.test.ts', '**/*.kind.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'browser',
          expect,
          include: ['site/e2e/**/*.test.ts'],
          // Browser tests that need a cluster run in the kwok project.
          exclude: ['**/*.kwok.test.ts'],
          globalSetup: ['site/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'kwok',
          expect,
          include: ['**/*.kwok.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['checks/testing/kwok-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
      {
        test: {
          // Real kind clusters from the locally built node image: one shared cluster per
          // run, files one after another (each cluster wants most of a core).
          name: 'kind',
          expect,
          include: ['**/*.kind.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['checks/testing/kind-global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
