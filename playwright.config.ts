import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './e2e/chromium.ts';

const CI =
  process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
// PIDLAB_E2E_PORT lets several checkouts run their e2e tests side by side.
const PORT = Number(process.env['PIDLAB_E2E_PORT'] ?? 4173);
const found = findChromium();
// Without a Chromium Playwright falls back to its own (missing) download and explains.
const executablePath = 'error' in found ? undefined : found.path;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  ...(CI ? { workers: 2 } : {}),
  reporter: CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(executablePath === undefined ? {} : { executablePath }),
          args: [...CHROMIUM_ARGS],
        },
      },
    },
  ],
  // Test the production build, served by `vite preview` on a fixed port.
  webServer: {
    command: `npx vite build && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
