import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tests/**/*.test.ts', 'site/src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
