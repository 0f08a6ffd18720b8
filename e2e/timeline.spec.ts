import { expect, test, type Page } from '@playwright/test';
import type {} from '../app/terminal/testHooks.ts';

const SCREENSHOTS = 'e2e/screenshots';

async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => window.__pidlab?.terminalText() ?? '');
}

const terminalInput = (page: Page) =>
  page.locator('.terminal-slot:not([hidden]) .xterm-helper-textarea');

async function typeLine(page: Page, text: string): Promise<void> {
  await terminalInput(page).focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function openLab(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
}

const timeline = (page: Page) => page.getByRole('group', { name: 'Timeline' });
const events = (page: Page) => page.getByRole('listbox', { name: /Events/ });
const button = (page: Page, name: string) =>
  timeline(page).getByRole('button', { name, exact: true });

test('step back restores the terminal and the log; typing there starts a new branch', async ({
  page,
}) => {
  await openLab(page);
  await expect(button(page, 'Step back')).toBeDisabled();
  await expect(button(page, 'Step forward')).toBeDisabled();
  await typeLine(page, 'sleep 100 &');
  await expect.poll(() => terminalText(page)).toMatch(/\[1\] \d+/);
  await typeLine(page, 'echo two');
  await expect.poll(() => terminalText(page)).toContain('\ntwo\n');
  await typeLine(page, 'kill %1');
  await expect(timeline(page)).toContainText('Present · step 3 of 3: kill %1');
  // bash reports the job at its next prompt; the event log shows the kill at once.
  const killed = events(page).getByText(/SIGTERM terminates/);
  await expect(killed).toBeVisible();

  // Back: the kill is undone, in the terminal and in the event log.
  await button(page, 'Step back').click();
  await expect(timeline(page)).toContainText('Past · after step 2 of 3');
  await expect(timeline(page)).toContainText('next: kill %1');
  await expect.poll(() => terminalText(page)).toMatch(/\ntwo\nroot@host:~# ?$/);
  await expect(killed).toHaveCount(0);
  await expect(button(page, 'Step forward')).toBeEnabled();
  await expect(button(page, 'Jump to end')).toBeEnabled();

  await button(page, 'Step back').click();
  await expect.poll(() => terminalText(page)).not.toContain('echo two');
  await button(page, 'Step forward').click();
  await expect.poll(() => terminalText(page)).toMatch(/\ntwo\nroot@host:~# ?$/);
  await button(page, 'Jump to end').click();
  await expect.poll(() => terminalText(page)).toMatch(/# kill %1\nroot@host:~# ?$/);
  await expect(killed).toBeVisible();
  await expect(button(page, 'Step forward')).toBeDisabled();

  // Back two steps, then type: the later steps are gone, the sleep still runs.
  await button(page, 'Step back').click();
  await button(page, 'Step back').click();
  await typeLine(page, 'jobs');
  await expect.poll(() => terminalText(page)).toMatch(/\[1\]\+ +Running +sleep 100 &/);
  await expect(timeline(page)).toContainText('Present · step 2 of 2: jobs');
  await expect(button(page, 'Step forward')).toBeDisabled();
  await expect.poll(() => terminalText(page)).not.toContain('echo two');
  // The scrubber goes to any step.
  await timeline(page).getByRole('slider', { name: 'Steps' }).fill('0');
  await expect.poll(() => terminalText(page)).toMatch(/^root@host:~# ?$/);
  // So does the list of steps.
  await timeline(page).getByText('Steps (2)').click();
  await timeline(page)
    .getByRole('button', { name: /sleep 100 &/ })
    .click();
  await expect.poll(() => terminalText(page)).toMatch(/\[1\] \d+\nroot@host:~# ?$/);
  await expect(timeline(page).getByRole('button', { name: /sleep 100 &/ })).toHaveAttribute(
    'aria-current',
    'step',
  );
});

test('play from the start replays what was typed, at the chosen speed, back to the present', async ({
  page,
}) => {
  await openLab(page);
  await typeLine(page, 'sleep 1; echo A');
  await expect.poll(() => terminalText(page)).toContain('\nA\n');
  await typeLine(page, 'echo B');
  await expect.poll(() => terminalText(page)).toContain('\nB\n');
  const sent = await terminalText(page);
  await button(page, 'Jump to start').click();
  await expect.poll(() => terminalText(page)).toMatch(/^root@host:~# ?$/);
  await expect(button(page, 'Play')).toBeVisible();
  await timeline(page).getByRole('combobox', { name: 'Speed' }).selectOption('4');
  await button(page, 'Play').click();
  // The keys come back as they were typed; sleep 1 takes a quarter of a second at 4x.
  await expect.poll(() => terminalText(page)).toContain('# sleep 1; echo A');
  await expect(timeline(page)).toContainText('Present · step 2 of 2: echo B', { timeout: 20_000 });
  expect(await terminalText(page)).toBe(sent);
  await expect(button(page, 'Step forward')).toBeDisabled();
});

test('choosing an event highlights its processes and shows the rule', async ({ page }) => {
  await openLab(page);
  await typeLine(page, 'sleep 100 &');
  await expect.poll(() => terminalText(page)).toMatch(/\[1\] (\d+)/);
  const pid = /\[1\] (\d+)/.exec(await terminalText(page))?.[1];
  const fork = events(page).getByRole('option', {
    name: new RegExp(`forked PID ${pid} \\(bash\\)`),
  });
  await fork.click();
  await expect(fork).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.event-log')).toHaveAttribute('data-highlighted', /^\d+ \d+$/);
  await expect(page.locator('.event-log__detail')).toContainText('kernel/fork.c');
  // The keyboard moves through the list.
  await page.keyboard.press('ArrowUp');
  await expect(fork).toHaveAttribute('aria-selected', 'false');
  await page.keyboard.press('Escape');
  await expect(page.locator('.event-log')).toHaveAttribute('data-highlighted', '');
  // Filters: only signals.
  await page.getByText('Show: 6 of 7 kinds of event').click();
  for (const kind of ['Forks', 'Exits', 'Reaping', 'Namespaces', 'Sessions'])
    await page.getByRole('checkbox', { name: new RegExp(`^${kind}`) }).uncheck();
  await expect(events(page).getByRole('option').first()).toContainText(/SIG/);
  await expect(events(page).getByText('forked')).toHaveCount(0);
});

test('a shared link reproduces the terminal, the timeline and the viewpoint', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openLab(page);
  await typeLine(page, 'sleep 1; echo slept');
  await expect.poll(() => terminalText(page)).toContain('\nslept\n');
  await typeLine(page, 'unshare --pid --fork --mount-proc sleep 1000 &');
  await typeLine(page, 'ps -e -o pid,comm | grep -c sleep');
  await expect.poll(() => terminalText(page)).toMatch(/grep -c sleep\n1\n/);
  // Look from inside the new namespace (V cycles the viewpoint), with the focus out of the terminal.
  await page.keyboard.press('F6');
  await page.keyboard.press('v');
  await expect.poll(() => page.url()).toMatch(/view=\d+/);
  // The event log now numbers processes as that namespace does.
  await expect(events(page)).toContainText('a process outside this namespace');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/\?view=\d+&h=z[A-Za-z0-9_-]+$/);
  const sent = await terminalText(page);

  const other = await context.newPage();
  await other.goto(link);
  await expect.poll(() => terminalText(other)).toMatch(/grep -c sleep\n1\n/);
  expect(await terminalText(other)).toBe(sent);
  await expect(timeline(other)).toContainText('step 3 of 3');
  await expect(other.getByRole('alert')).toHaveCount(0);
  // The viewpoint came through (a namespace that exists after the replay) and stays in the address.
  await typeLine(other, 'echo more');
  await expect.poll(() => other.url()).not.toBe(link);
  expect(other.url()).toContain(/view=(\d+)/.exec(link)?.[0] ?? 'missing');
});

test('a bad link says what was wrong, and the lab opens anyway', async ({ page }) => {
  await openLab(page, '/?lesson=../../x&view=nope&stage=maybe&h=zAAAA');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This link could not be followed completely.');
  await expect(alert).toContainText('"lesson" must be a lesson id');
  await expect(alert).toContainText('"view" must be "host" or a namespace number, not "nope".');
  await expect(alert).toContainText('"stage" must be 1 or 0, not "maybe".');
  await expect(alert).toContainText('The typed history ("h") is not valid compressed data');
  await typeLine(page, 'echo still works');
  await expect.poll(() => terminalText(page)).toContain('\nstill works\n');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);

  // A well-formed history that cannot be replayed: replayed up to the bad input.
  const json = JSON.stringify([0, 'echo first\r', { t: 9 }, 'x']);
  const h = `j${Buffer.from(json).toString('base64url')}`;
  await openLab(page, `/?h=${h}&view=7`);
  await expect(page.getByRole('alert')).toContainText(
    'The typed history was replayed only in part: input 2 cannot be given: there is no terminal 9.',
  );
  await expect(page.getByRole('alert')).toContainText('PID namespace 7, which does not exist here');
  await expect.poll(() => terminalText(page)).toContain('\nfirst\n');
});

test('stage mode: large type, tree and terminal, driven by the keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page, '/?stage=1');
  await expect(page.locator('.app--stage')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Lesson' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Process tree' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Terminal' })).toBeVisible();
  const fontSize = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  expect(fontSize).toBe('24px');

  await typeLine(page, 'echo one');
  await typeLine(page, 'echo two');
  await expect.poll(() => terminalText(page)).toContain('\ntwo\n');
  // A clicker's Page Up works even with the focus in the terminal.
  await page.keyboard.press('PageUp');
  await expect.poll(() => terminalText(page)).not.toContain('two');
  await page.keyboard.press('PageDown');
  await expect.poll(() => terminalText(page)).toContain('\ntwo\n');

  // Leave the terminal with F6; then single keys work.
  await page.keyboard.press('F6');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeFocused();
  await page.keyboard.press('k');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.keyboard.press('k');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press('[');
  await expect.poll(() => terminalText(page)).not.toContain('two');
  await page.keyboard.press(']');
  await expect.poll(() => terminalText(page)).toContain('\ntwo\n');
  await page.keyboard.press('Shift+?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Page Down');
  await page.screenshot({ path: `${SCREENSHOTS}/stage-help-1280x720.png` });
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await page.keyboard.press('Shift+R');
  await expect.poll(() => terminalText(page)).toMatch(/^root@host:~# ?$/);
  await page.keyboard.press('s');
  await expect(page.locator('.app--stage')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Lesson' })).toBeVisible();
  await expect.poll(() => page.url()).not.toContain('stage=1');
});

test('embed mode shows the tree and the terminal alone', async ({ page }) => {
  await page.setViewportSize({ width: 960, height: 540 });
  await openLab(page, '/?embed=1&lesson=03-zombies');
  await expect(page.getByRole('banner')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Lesson' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Timeline' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Process tree' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Terminal' })).toBeVisible();
  const open = page.getByRole('link', { name: 'Open in PID 1 Lab ↗' });
  await expect(open).toHaveAttribute('href', /lesson=03-zombies/);
  await expect(open).not.toHaveAttribute('href', /embed/);
  await typeLine(page, 'echo embedded');
  await expect.poll(() => terminalText(page)).toContain('\nembedded\n');
  await page.screenshot({ path: `${SCREENSHOTS}/embed-960x540.png` });
});

test('on a narrow screen the key bar sends Ctrl-C and the arrows', async ({ page }) => {
  await page.setViewportSize({ width: 600, height: 900 });
  await openLab(page);
  await typeLine(page, 'sleep 100');
  await page.getByRole('button', { name: 'Control C: interrupt' }).click();
  await expect.poll(() => terminalText(page)).toMatch(/sleep 100\n\^C\nroot@host:~# ?$/);
  await expect(terminalInput(page)).toBeFocused();
  await page.getByRole('button', { name: 'Up arrow: previous command' }).click();
  await expect.poll(() => terminalText(page)).toMatch(/root@host:~# sleep 100$/);
});

test('the built site uses relative paths and no network but its own', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await openLab(page);
  const html = await (await page.request.get('/')).text();
  expect(html).not.toMatch(/(src|href)="\//);
  expect(requests.filter((u) => !u.startsWith('http://127.0.0.1'))).toEqual([]);
});

test('30,000 events: the log stays responsive', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page);
  await typeLine(
    page,
    'i=0; while [ $i -lt 2500 ]; do sleep 0 & i=$((i+1)); done; wait; echo done',
  );
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/\ndone\n/);
  const label = await events(page).getAttribute('aria-label');
  const shown = Number(/Events, (\d+) shown/.exec(label ?? '')?.[1]);
  expect(shown).toBeGreaterThan(30_000);
  // Only the rows in view are in the page.
  expect(await events(page).getByRole('option').count()).toBeLessThan(40);
  await events(page).focus();
  const ms = await page.evaluate(async () => {
    const list = document.querySelector<HTMLElement>('.event-log__list');
    const t0 = performance.now();
    list?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  await expect(events(page).getByRole('option', { selected: true })).toContainText(
    'The host boots',
  );
  console.log(`event log: ${shown} events, Home answered in ${ms.toFixed(0)} ms`);
  expect(ms).toBeLessThan(500);
});

for (const colorScheme of ['dark', 'light'] as const)
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    test(`screenshots: ${colorScheme} at ${width}x${height}, normal and stage`, async ({
      page,
    }) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      await openLab(page);
      await typeLine(page, 'sleep 100 &');
      await typeLine(
        page,
        "unshare --pid --fork --mount-proc sh -c 'sleep 50 & ps -o pid,ppid,comm'",
      );
      await expect.poll(() => terminalText(page)).toContain('      1       0 sh');
      await typeLine(page, 'kill -9 %1');
      await typeLine(page, '');
      await expect.poll(() => terminalText(page)).toMatch(/Killed +sleep 100/);
      await events(page)
        .getByRole('option', { name: /SIGKILL/ })
        .first()
        .click();
      await page.screenshot({
        path: `${SCREENSHOTS}/timeline-${colorScheme}-${width}x${height}.png`,
      });
      await button(page, 'Step back').click();
      await page.screenshot({
        path: `${SCREENSHOTS}/timeline-past-${colorScheme}-${width}x${height}.png`,
      });
      await page.getByRole('button', { name: 'Stage mode' }).click();
      await expect(page.locator('.app--stage')).toBeVisible();
      await page.screenshot({ path: `${SCREENSHOTS}/stage-${colorScheme}-${width}x${height}.png` });
    });
  }

test.describe('on a tablet', () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 1024, height: 768 } });

  test('the key bar is there, and tapping a key types it in the terminal', async ({ page }) => {
    await openLab(page);
    await expect(page.getByRole('toolbar', { name: 'Terminal keys' })).toBeVisible();
    await typeLine(page, 'sleep 100');
    await page.getByRole('button', { name: 'Control C: interrupt' }).tap();
    await expect.poll(() => terminalText(page)).toMatch(/sleep 100\n\^C\nroot@host:~# ?$/);
    await page.getByRole('button', { name: 'Tab: complete' }).tap();
    await page.screenshot({ path: `${SCREENSHOTS}/tablet-1024x768.png` });
  });
});
