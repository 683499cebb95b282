import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs no servers; `integration` talks to the real Redis, Dovecot and
// Elasticsearch that scripts/services starts (its global setup reads their settings); `scale` runs the
// failover tests against clustered Redis and Elasticsearch one file at a time, since they start, kill and
// restart real server processes. groupOrder asks for them after the others; a CI run showed them running
// beside the unit project, before the integration files, and passing there too.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 0 },
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'scale',
          include: ['test/scale/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
