import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'contracts/**/*.test.ts'],
    // Integration tests start real chain nodes and databases; give them room, but bounded.
    testTimeout: 60_000,
    globalSetup: ['test/globalSetup.ts'],
    hookTimeout: 120_000,
    // Two cores: more forks only make the chain nodes fight for CPU.
    pool: 'forks',
    maxWorkers: 2,
  },
});
