#!/usr/bin/env node
// Runs the Playwright end-to-end tests with a Chromium found by e2e/chromium.ts.
// Fails (exit 1) with instructions when no Chromium is available: it never skips.
import { spawnSync } from 'node:child_process';
import { register } from 'tsx/esm/api';

register();
const { findChromium } = await import(new URL('../e2e/chromium.ts', import.meta.url).href);

const found = findChromium();
if ('error' in found) {
  console.error(`e2e: ${found.error}`);
  process.exit(1);
}
console.log(`e2e: using Chromium at ${found.path} (${found.source})`);

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const result = spawnSync(npx, ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, PIDLAB_CHROMIUM: found.path },
});
if (result.error) {
  console.error(`e2e: could not start Playwright: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
