import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real chain nodes and databases; give them room, but bounded.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks only make the chain nodes fight for CPU.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        // Tests beside the code: no build, no chain node, no database, so `npm run test:unit` answers
        // in seconds while editing. A test that needs any of those belongs under test/.
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        // CLI and browser tests run what users run, so this project builds dist/ and the web UI first.
        // The contract check is here too: it needs no build, but loading solc and compiling takes
        // longer than the whole unit project, and it tests the build, not code.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'contracts/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
        },
      },
    ],
    // Off by default (it costs time on every run); CI turns it on with `npm test -- --coverage`.
    // Code run in child processes (the CLI tests) is not counted: coverage sees only the test workers.
    coverage: {
      provider: 'v8',
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      include: ['src/**/*.ts'],
      // Generated, and tests themselves: counting them would only inflate the numbers.
      exclude: ['src/chain/registryAbi.ts', 'src/**/*.test.ts'],
    },
  },
});
