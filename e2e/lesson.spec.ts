import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
// Brings in the type of window.__pidlab, the read-only hooks the app exposes for tests.
import type {} from '../app/terminal/testHooks.ts';

const SCREENSHOTS = 'e2e/screenshots';

async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => window.__pidlab?.terminalText() ?? '');
}

/** Lesson 4, as data: the test walks exactly the steps the scenario has. */
const LESSON = JSON.parse(
  readFileSync(new URL('../scenarios/04-signals-and-pid-1/scenario.json', import.meta.url), 'utf8'),
) as {
  title: string;
  steps: {
    title: string;
    commands: string[];
    question?: { choices: string[]; answer: number };
    claims?: { text: string }[];
  }[];
};

test('walks a whole lesson: predictions, runs, reveals, claims checked in the model', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');

  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByLabel('Lesson', { exact: true }).selectOption({ label: `4. ${LESSON.title}` });
  await expect(panel.getByRole('heading', { name: `4. ${LESSON.title}` })).toBeVisible();

  for (const [i, step] of LESSON.steps.entries()) {
    await expect(panel.getByText(`Step ${i + 1} of ${LESSON.steps.length}`)).toBeVisible();
    await expect(panel.getByRole('heading', { name: step.title })).toBeVisible();
    const run = panel.getByRole('button', { name: 'Run' });
    if (step.question) {
      // Nothing runs before the learner commits to a prediction.
      await expect(run).toBeDisabled();
      await expect(panel.getByText('Make your prediction first.')).toBeVisible();
      // Right on even steps, wrong on odd ones: the reveal must say which.
      const pick =
        i % 2 === 0
          ? step.question.answer
          : (step.question.answer + 1) % step.question.choices.length;
      await panel.getByRole('radio').nth(pick).check();
      await run.click();
      await expect(panel.getByRole('status')).toContainText(
        pick === step.question.answer ? 'Your prediction was right.' : 'Not what the model did.',
      );
    } else {
      await run.click();
    }
    const reveal = panel.getByRole('region', { name: 'What happened' });
    await expect(reveal).toBeVisible();
    for (const claim of step.claims ?? []) {
      const item = reveal.locator('.claim', { hasText: claim.text });
      await expect(item).toHaveClass(/claim--pass/);
    }
    await expect(reveal.locator('.claim--fail')).toHaveCount(0);
    // The commands were typed into the terminal.
    const last = step.commands[step.commands.length - 1]!;
    await expect.poll(() => terminalText(page)).toContain(last.slice(0, 60));
    if (i === 1) {
      await page.screenshot({ path: `${SCREENSHOTS}/lesson-reveal-light.png` });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: `${SCREENSHOTS}/lesson-reveal-dark.png` });
      await page.emulateMedia({ colorScheme: 'light' });
    }
    if (i < LESSON.steps.length - 1) await panel.getByRole('button', { name: 'Next →' }).click();
  }
  await expect(panel.getByRole('button', { name: 'Next →' })).toBeDisabled();

  // Run it for real: the exact commands with copy buttons and a playground link.
  await panel.getByText('Run it for real').click();
  await expect(panel.getByRole('link', { name: 'Play with Docker' })).toHaveAttribute(
    'href',
    'https://labs.play-with-docker.com/',
  );
  await expect(
    panel.getByRole('button', { name: /^Copy: docker run -d --name noh/ }),
  ).toBeVisible();
  expect(problems).toEqual([]);
});

test('choosing a lesson starts its world; a broken scenario file is listed, not run', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
  const panel = page.getByRole('region', { name: 'Lesson' });

  const broken = JSON.stringify({
    schemaVersion: 1,
    id: 'mine',
    version: '1.0.0',
    title: 'Mine',
    summary: 'x',
    order: 1,
    lesson: 'lesson.md',
    world: {},
    steps: [
      {
        id: 'a',
        title: 'A',
        text: 'A',
        commands: ['true'],
        claims: [{ check: 'noZombie', text: 'none' }],
      },
    ],
    realWorld: { kind: 'unshare', commands: ['true'], expect: 'x' },
    sources: [{ title: 't', url: 'javascript:alert(1)' }],
  });
  await panel
    .locator('input[type=file]')
    .setInputFiles([
      { name: 'scenario.json', mimeType: 'application/json', buffer: Buffer.from(broken) },
    ]);
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText(
    "mine/scenario.json: steps[0].claims[0].check: unknown check 'noZombie'; did you mean 'noZombies'?",
  );
  await expect(alert).toContainText(
    "mine/scenario.json: sources[0].url: 'javascript:alert(1)' is not an http:// or https:// address",
  );
  await expect(alert).toContainText("mine/scenario.json: lesson: file 'lesson.md' does not exist");
  await page.screenshot({ path: `${SCREENSHOTS}/lesson-load-errors-light.png` });

  // A valid scenario from files: it becomes the current lesson, on its own world.
  const good = JSON.parse(broken) as Record<string, unknown>;
  good.steps = [
    {
      id: 'a',
      title: 'Look at pid_max',
      text: 'Read **pid_max**.',
      commands: ['cat /proc/sys/kernel/pid_max'],
      claims: [{ check: 'outputContains', args: { text: '4321' }, text: 'pid_max is 4321' }],
    },
  ];
  good.world = { pidMax: 4321 };
  good.sources = [{ title: 'proc(5)', url: 'https://man7.org/linux/man-pages/man5/proc.5.html' }];
  await panel.locator('input[type=file]').setInputFiles([
    {
      name: 'scenario.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(good)),
    },
    {
      name: 'lesson.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Mine\n\nA <b>test</b> lesson.\n'),
    },
  ]);
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(panel.getByRole('heading', { name: '1. Mine' })).toBeVisible();
  await expect(panel.getByText('A <b>test</b> lesson.')).toBeVisible();
  await panel.getByRole('button', { name: 'Run' }).click();
  await expect(panel.locator('.claim--pass', { hasText: 'pid_max is 4321' })).toBeVisible();
  await expect.poll(() => terminalText(page)).toContain('4321');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${SCREENSHOTS}/lesson-loaded-dark.png` });
});

test('a link made inside a lesson replays in that lesson’s world', async ({ page, context }) => {
  await page.goto('/');
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
  const panel = page.getByRole('region', { name: 'Lesson' });
  // Lesson 11's host has pid_max 400, unlike the default host.
  const option = panel.getByLabel('Lesson', { exact: true }).locator('option', {
    hasText: 'PID exhaustion',
  });
  const label = (await option.textContent()) ?? '';
  await panel.getByLabel('Lesson', { exact: true }).selectOption({ label });
  await page.locator('.terminal-slot:not([hidden]) .xterm-helper-textarea').focus();
  await page.keyboard.type('echo pid_max=$(cat /proc/sys/kernel/pid_max)\n');
  await expect.poll(() => terminalText(page)).toContain('pid_max=400');
  await expect.poll(() => page.url()).toContain('world=11-pid-exhaustion');

  const other = await context.newPage();
  await other.goto(page.url());
  await expect.poll(() => terminalText(other)).toContain('pid_max=400');
});

test('an embedded lesson opens in that lesson’s world', async ({ page }) => {
  await page.goto('/?embed=1&lesson=11-pid-exhaustion');
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
  await expect(page.getByRole('region', { name: 'Lesson' })).toHaveCount(0);
  await page.locator('.terminal-slot:not([hidden]) .xterm-helper-textarea').focus();
  await page.keyboard.type('echo pid_max=$(cat /proc/sys/kernel/pid_max)\n');
  await expect.poll(() => terminalText(page)).toContain('pid_max=400');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
