import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Brings in the type of window.__pidlab, the read-only hooks the app exposes for tests.
import type {} from '../app/terminal/testHooks.ts';

const SCREENSHOTS = 'e2e/screenshots';

async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => window.__pidlab?.terminalText() ?? '');
}

async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.terminal-slot:not([hidden]) .xterm-helper-textarea').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Waits until the prompt is back after the last command (the terminal ends with it). */
async function promptBack(page: Page): Promise<void> {
  await expect.poll(async () => (await terminalText(page)).trimEnd().endsWith('#')).toBe(true);
}

test('an exercise from the first attempt through a hint, a failure, success, export and reload', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');

  await page.getByRole('button', { name: 'Exercises & tracks' }).click();
  const panel = page.getByRole('region', { name: 'Exercises' });
  await panel.getByLabel('Your name').fill('Ada Lovelace');
  await panel.getByLabel('Cohort code (optional)').fill('w1');
  await panel.getByRole('button', { name: 'Start' }).click();
  await expect(panel.getByText('Working as Ada Lovelace in cohort w1.')).toBeVisible();
  await expect(panel.getByRole('status')).toHaveText('0 of 16 passed · pass mark 12');

  await panel.getByRole('button', { name: 'A process whose parent is outside' }).click();
  const ex = panel.getByRole('article', { name: 'A process whose parent is outside' });
  await expect(ex).toBeVisible();
  // The learner's own variant: the container's name is drawn from their seed.
  const text = (await ex.locator('.md').first().textContent()) ?? '';
  const name = /in a container named (\w+)/.exec(text)?.[1];
  expect(name, text).toBeTruthy();
  await expect(ex.getByText(`every sleep in ${name} has PPID 0`)).toBeVisible();

  // First rung of the help ladder.
  await ex.getByRole('button', { name: 'Give me a hint' }).click();
  await expect(ex.getByRole('list', { name: 'Help' })).toContainText(
    '`docker exec` starts a process'.replace(/`/g, ''),
  );

  // A first attempt that does not reach the goal.
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
  await typeInTerminal(page, `docker run -d --name ${name} node:20 node /app/app.js`);
  await promptBack(page);
  await typeInTerminal(page, `docker exec ${name} sh -c 'sleep 1000 & exit 0'`);
  await promptBack(page);
  await ex.getByRole('button', { name: 'Check' }).click();
  await expect(ex.getByRole('status')).toHaveText('Not yet: 1 of 2 goals hold.');
  const failed = ex.locator('.goal--fail');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText(`every sleep in ${name} has PPID 0`);
  await expect(failed).toContainText(`The model shows: sleep in container '${name}':`);
  await expect(failed).toContainText('has PPID 1');
  await expect(ex.locator('.goal--pass')).toContainText(`node is PID 1 of ${name}`);

  // The hint that reacts to what was done.
  await ex.getByRole('button', { name: 'Give me a hint' }).click();
  await expect(ex.locator('.rung--reacting')).toContainText('that sleep was adopted by PID 1');
  await ex.locator('.rung--reacting').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/exercise-failed-light.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${SCREENSHOTS}/exercise-failed-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });

  // Stepping back in the timeline replaces the lab's machine: the exercise says so and
  // continues the saved attempt on a replay of it.
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  const detached = ex.getByRole('alert');
  await expect(detached).toContainText('The lab’s machine is no longer this exercise’s');
  await expect(ex.getByRole('button', { name: 'Check' })).toBeDisabled();
  await detached.getByRole('button', { name: 'Continue the exercise' }).click();
  await expect(detached).toHaveCount(0);
  await expect(ex.getByRole('status')).toHaveText('Not yet: 1 of 2 goals hold.');
  await expect(ex.locator('.rung--reacting')).toContainText('that sleep was adopted by PID 1');
  await expect.poll(() => terminalText(page)).toContain(`docker exec ${name} sh -c`);

  // Any route that reaches the goals: start the container again and exec the sleep.
  await typeInTerminal(page, `docker rm -f ${name}`);
  await promptBack(page);
  await typeInTerminal(page, `docker run -d --name ${name} node:20 node /app/app.js`);
  await promptBack(page);
  await typeInTerminal(page, `docker exec -d ${name} sleep 1000`);
  await promptBack(page);
  await ex.getByRole('button', { name: 'Check' }).click();
  await expect(ex.getByRole('status')).toHaveText(
    'Passed: every goal holds. Export your progress for your instructor.',
  );
  await expect(ex.locator('.goal--pass')).toHaveCount(2);
  await page.screenshot({ path: `${SCREENSHOTS}/exercise-passed-light.png` });

  // Export: the result file, graded by `pidlab grade` replaying what was typed in the page.
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export progress' }).click();
  const file = join(mkdtempSync(join(tmpdir(), 'pidlab-e2e-')), 'result.json');
  await (await download).saveAs(file);
  const result = JSON.parse(readFileSync(file, 'utf8')) as {
    format: string;
    learner: string;
    cohort: string;
    track: string;
    exercises: { exercise: string; claimed: string; checks: unknown[]; help: unknown }[];
  };
  expect(result).toMatchObject({
    format: 'pidlab-result',
    learner: 'Ada Lovelace',
    cohort: 'w1',
    track: 'onboarding',
  });
  expect(result.exercises).toHaveLength(1);
  expect(result.exercises[0]).toMatchObject({
    exercise: 'ppid-zero',
    claimed: 'passed',
    help: { hints: 1, reactingHint: 0, solution: false },
  });
  expect(result.exercises[0]!.checks).toHaveLength(2);
  const graded = spawnSync(
    process.execPath,
    ['bin/pidlab.mjs', 'grade', file, '--cohort', 'w1', '--track', 'onboarding'],
    { encoding: 'utf8' },
  );
  expect(graded.stdout).toMatch(
    /^result\.json\s+Ada Lovelace\s+15-exec-and-nsenter\/ppid-zero\s+\d+:\d\d\s+2\s+passed\s+passed\s+CONFIRMED\s+1 hint, reacting hint$/m,
  );
  expect(graded.status, graded.stdout + graded.stderr).toBe(0);

  // Progress survives a reload.
  await panel.getByRole('button', { name: '← Back to the track' }).click();
  await expect(panel.getByRole('status')).toHaveText('1 of 16 passed · pass mark 12');
  await page.reload();
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
  await page.getByRole('button', { name: 'Exercises & tracks' }).click();
  await expect(panel.getByText('Working as Ada Lovelace in cohort w1.')).toBeVisible();
  await expect(panel.getByRole('status')).toHaveText('1 of 16 passed · pass mark 12');
  await expect(panel.locator('.exercise__item--passed')).toContainText(
    'A process whose parent is outside',
  );

  // A corrupt store is reset with a message, never a blank page.
  await page.evaluate(() =>
    window.localStorage.setItem('pidlab.progress', '{"format": "pidlab-pro'),
  );
  await page.reload();
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(
    'Your saved progress could not be read (it is not valid JSON), so it was reset.',
  );
  await page.screenshot({ path: `${SCREENSHOTS}/exercise-corrupt-store-light.png` });
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);

  // Importing the exported file brings the progress back.
  await page.getByRole('button', { name: 'Exercises & tracks' }).click();
  await panel.locator('input[type=file]').setInputFiles(file);
  await expect(panel.getByText('Working as Ada Lovelace in cohort w1.')).toBeVisible();
  await expect(panel.getByRole('status')).toHaveText('1 of 16 passed · pass mark 12');
  // A file that is not a result is refused with the field and the fix.
  await panel.locator('input[type=file]').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      '{"format":"pidlab-result","version":1,"learner":"x","cohort":"","exercises":[],"grade":"A"}',
    ),
  });
  await expect(panel.getByRole('alert')).toContainText("grade: unknown field 'grade'");
  expect(problems).toEqual([]);
});
