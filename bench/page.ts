/**
 * Benchmarks of the page in Chromium, run with `npm run bench:page` (after `vite build`).
 *
 * stdout carries only the figures, one per line, as `name: value unit`; progress goes to stderr.
 * The page is driven as a learner drives it: commands typed in the terminal.
 *
 * Figures (issue #7, "Performance"):
 *   first-load-js-gzip        the JavaScript index.html loads, gzipped (budget: 250 KB); the
 *                             process tree and d3 come in a chunk loaded right after
 *   all-js-gzip               every JavaScript file of the build, gzipped
 *   terminal-usable           from navigation start until the prompt is on screen (budget: 1 s)
 *   tree-fps-idle             frames per second with nothing happening (this machine's ceiling)
 *   tree-fps-300-forking      frames per second while 300 processes are forked and drawn
 *   tree-fps-300-moving       frames per second while those 300 move (a sibling shifts the tree)
 *   tree-fps-300-reaping      frames per second while those 300 are killed and fade out as reaped
 *   tree-frame-p95-*          the 95th percentile frame interval in the same windows
 *   zombie-fill-30000         time to fork 30,000 zombies in a PID namespace through the shell
 *   tree-click-30000-zombies  from a click on a tree item to the frame that shows its details,
 *                             with 30,000 zombies in the namespace (median and max of 10 clicks)
 *
 * The in-page code is passed as strings: this file is compiled without the DOM library.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.ts';

const PORT = Number(process.env['PIDLAB_BENCH_PORT'] ?? 4191);
const BASE = `http://127.0.0.1:${PORT}`;
const DIST = 'dist';

const figure = (name: string, value: number | string, unit: string): void => {
  process.stdout.write(`${name}: ${value} ${unit}\n`);
};
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/** The JavaScript index.html loads at first (module scripts and modulepreloads), gzipped. */
function firstLoadJs(): { raw: number; gzip: number } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  let raw = 0;
  let gzip = 0;
  for (const src of new Set(srcs)) {
    const bytes = readFileSync(join(DIST, src.replace(/^\//, '')));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 6 }).length;
  }
  return { raw, gzip };
}

/** Every JavaScript file of the build (the first load plus the chunks loaded later), gzipped. */
function allJs(): number {
  let gzip = 0;
  for (const f of readdirSync(join(DIST, 'assets'))) {
    if (f.endsWith('.js'))
      gzip += gzipSync(readFileSync(join(DIST, 'assets', f)), { level: 6 }).length;
  }
  return gzip;
}

async function startServer(): Promise<() => void> {
  const server = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    },
  );
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(BASE);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return () => {
    if (server.pid !== undefined) process.kill(-server.pid);
  };
}

async function typeLine(page: Page, text: string): Promise<void> {
  await page.locator('.terminal-slot:not([hidden]) .xterm-helper-textarea').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Frame intervals (ms) measured with requestAnimationFrame for `ms` milliseconds. */
async function frames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const end = last + ${ms};
    const tick = (now) => {
      out.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick); else resolve(out);
    };
    requestAnimationFrame(tick);
  })`);
}

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

function reportFrames(name: string, intervals: readonly number[]): void {
  const total = intervals.reduce((a, b) => a + b, 0);
  figure(`tree-fps-${name}`, ((intervals.length * 1000) / total).toFixed(1), 'frames/s');
  figure(`tree-frame-p95-${name}`, percentile(intervals, 95).toFixed(1), 'ms');
}

async function openLab(page: Page): Promise<number> {
  await page.goto(BASE);
  // The terminal is usable when the prompt is on screen: measured in the page, from navigation start.
  return page.evaluate(`new Promise((resolve) => {
    const check = () => {
      const hooks = window.__pidlab;
      if (hooks && hooks.terminalText().includes('root@host:~#')) resolve(performance.now());
      else requestAnimationFrame(check);
    };
    check();
  })`);
}

async function main(): Promise<void> {
  const found = findChromium();
  if ('error' in found) {
    log(`bench:page: ${found.error}`);
    process.exit(1);
  }
  const js = firstLoadJs();
  figure('first-load-js-gzip', (js.gzip / 1024).toFixed(1), 'KB');
  figure('first-load-js-raw', (js.raw / 1024).toFixed(1), 'KB');
  figure('all-js-gzip', (allJs() / 1024).toFixed(1), 'KB');

  const stop = await startServer();
  const browser = await chromium.launch({ executablePath: found.path, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });

    // Cold and warm loads.
    const usable: number[] = [];
    for (let i = 0; i < 3; i++) usable.push(await openLab(page));
    figure('terminal-usable', Math.round(usable[0]!), 'ms');
    figure('terminal-usable-warm', Math.round(Math.min(...usable.slice(1))), 'ms');

    // The page's frame rate with nothing happening: the ceiling on this machine right now.
    reportFrames('idle', await frames(page, 2000));

    // 300 processes forked and drawn, then killed and reaped.
    log('forking 300 sleeps ...');
    await typeLine(
      page,
      "sh -c 'i=0; while [ $i -lt 300 ]; do sleep 1000 & i=$((i+1)); done; wait' &",
    );
    reportFrames('300-forking', await frames(page, 3000));
    const drawn = await page.evaluate(
      'document.querySelectorAll(\'[role=treeitem][aria-label*=" sleep, sleeping"]\').length',
    );
    figure('tree-items-sleeping', drawn as number, 'items');
    await page.waitForTimeout(1000);
    // One more process beside them shifts the whole tree: 300 nodes move, the model idles.
    await typeLine(page, 'sleep 1000 &');
    reportFrames('300-moving', await frames(page, 1500));
    await page.waitForTimeout(500);
    await typeLine(page, 'kill %1');
    reportFrames('300-reaping', await frames(page, 2500));

    // 30,000 zombies in a PID namespace: children of its PID 1, never reaped.
    log('filling a namespace with 30,000 zombies (this takes a while) ...');
    await openLab(page);
    const t0 = Date.now();
    await typeLine(
      page,
      "unshare --pid --fork --mount-proc sh -c 'i=0; while [ $i -lt 30000 ]; do sleep 0 & i=$((i+1)); done; exec sleep 100000' &",
    );
    const group = page.getByRole('treeitem', {
      name: /^30,000 zombies sleep, children of PID \d+ \(sleep, PID 1 in its namespace\)$/,
    });
    await group.waitFor({ timeout: 600_000 });
    figure('zombie-fill-30000', ((Date.now() - t0) / 1000).toFixed(1), 's');
    await page.waitForTimeout(1500);

    // Click latency: alternate between the group and its parent, PID 1.
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const target = i % 2 === 0 ? '30,000 zombies sleep' : 'sleep (PID 1 in pidns';
      const expected = i % 2 === 0 ? 'One of 30,000 zombie' : 'sleep 100000';
      const ms: number = await page.evaluate(`new Promise((resolve) => {
        const item = [...document.querySelectorAll('[role=treeitem]')].find((e) =>
          (e.getAttribute('aria-label') || '').includes(${JSON.stringify(target)}));
        if (!item) { resolve(-1); return; }
        const t0 = performance.now();
        item.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        const check = () => {
          const d = document.querySelector('.ptree-details');
          if (d && d.textContent.includes(${JSON.stringify(expected)})) {
            // The frame that shows it: the next animation frame after the DOM has it.
            requestAnimationFrame(() => resolve(performance.now() - t0));
          } else requestAnimationFrame(check);
        };
        check();
      })`);
      if (ms < 0) throw new Error(`no tree item "${target}"`);
      latencies.push(ms);
      await page.waitForTimeout(300);
    }
    figure('tree-click-30000-zombies-median', percentile(latencies, 50).toFixed(1), 'ms');
    figure('tree-click-30000-zombies-max', Math.max(...latencies).toFixed(1), 'ms');
  } finally {
    await browser.close();
    stop();
  }
}

main().catch((e: unknown) => {
  log(`bench:page failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
