import { defineConfig } from 'vitest/config';

// Browser test: real headless Chromium (playwright-core, /usr/bin/chromium)
// against a running server given by COMMONGROUND_URL. Run: npm run test:e2e.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
