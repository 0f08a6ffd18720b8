/**
 * Finds the Chromium used by the end-to-end tests. Shared by
 * playwright.config.ts and scripts/e2e.mjs so they always agree.
 *
 * Order: $PIDLAB_CHROMIUM, $CHROME_PATH, Debian's /usr/bin/chromium, then the
 * Chromium installed by `npx playwright install chromium`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChromiumLocation {
  readonly path: string;
  readonly source: string;
}

/** Flags needed to run Chromium headless as root in a container or CI runner. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--no-first-run',
];

export const SYSTEM_CHROMIUM_PATHS: readonly string[] = ['/usr/bin/chromium'];

export const MISSING_CHROMIUM_HELP = `No Chromium found for the end-to-end tests. Get one of:
  - Debian/Ubuntu:  sudo apt-get install chromium
  - Playwright's:   npx playwright install chromium
  - your own:       export PIDLAB_CHROMIUM=/path/to/chromium   (or CHROME_PATH)`;

function playwrightChromium(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require('playwright-core') as { chromium: { executablePath(): string } };
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** Returns the Chromium to use, or an explanation of why none was found. */
export function findChromium(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ChromiumLocation | { readonly error: string } {
  for (const name of ['PIDLAB_CHROMIUM', 'CHROME_PATH']) {
    const path = env[name];
    if (path !== undefined && path !== '') {
      if (existsSync(path)) return { path, source: `$${name}` };
      return {
        error: `$${name} is set to ${path}, but that file does not exist.\n${MISSING_CHROMIUM_HELP}`,
      };
    }
  }
  for (const path of SYSTEM_CHROMIUM_PATHS) {
    if (existsSync(path)) return { path, source: 'system' };
  }
  const bundled = playwrightChromium();
  if (bundled !== undefined && existsSync(bundled)) return { path: bundled, source: 'playwright' };
  return { error: MISSING_CHROMIUM_HELP };
}
