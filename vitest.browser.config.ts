// npm run test:browser: the headless-Chromium tests, kept out of `npm test` (which needs no browser).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    setupFiles: ['test/setup/conformance.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
