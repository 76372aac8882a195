import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tests/**/*.test.ts', 'site/src/**/*.test.ts'],
    testTimeout: 60_000,
    // Builds the audit writer thread's module beside its sources (Node 20 cannot run it from .ts).
    globalSetup: ['tests/audit/writer-thread.ts'],
    // One event-loop turn after each test, so the worker answers the runner (see the file).
    setupFiles: ['tests/setup/breathe.ts'],
  },
});
