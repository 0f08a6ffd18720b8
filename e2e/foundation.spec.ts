import { expect, test, type Page } from '@playwright/test';
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

async function openLab(page: Page): Promise<void> {
  await page.goto('/');
  await expect.poll(() => terminalText(page)).toContain('root@host:~#');
}

test('the lab page has its landmarks and panels', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await openLab(page);
  await expect(page).toHaveTitle('PID 1 Lab');
  await expect(page.getByRole('banner')).toContainText('PID 1 Lab');
  await expect(page.getByRole('heading', { level: 1, name: 'PID 1 Lab' })).toBeVisible();
  await expect(page.getByRole('main')).toBeVisible();

  const tree = page.getByRole('region', { name: 'Process tree' });
  await expect(tree).toBeVisible();
  await expect(tree.getByRole('tree')).toBeVisible();

  const lesson = page.getByRole('region', { name: 'Lesson' });
  await expect(lesson).toBeVisible();
  await expect(lesson).toContainText('help');

  const terminal = page.getByRole('region', { name: 'Terminal' });
  await expect(terminal).toBeVisible();
  await expect(terminal.locator('.xterm')).toBeVisible();
  expect(problems).toEqual([]);
});

test('typing in the terminal runs bash on the kernel model', async ({ page }) => {
  await openLab(page);
  await typeInTerminal(page, 'help');
  await expect.poll(() => terminalText(page)).toContain('Shell builtins:');
  const afterHelp = await terminalText(page);
  expect(afterHelp).toContain('root@host:~# help');
  expect(afterHelp).toContain('Commands on PATH:');

  await typeInTerminal(page, 'nosuchcmd');
  await expect.poll(() => terminalText(page)).toContain('-bash: nosuchcmd: command not found');

  await typeInTerminal(page, 'echo hello from the lab');
  await expect.poll(() => terminalText(page)).toMatch(/\nhello from the lab\nroot@host:~# ?$/);

  await typeInTerminal(page, 'clear');
  await expect.poll(() => terminalText(page)).toMatch(/^root@host:~# ?$/);
});

test('the acceptance case: a new PID namespace seen with ps, as on Debian 12', async ({ page }) => {
  await openLab(page);
  await typeInTerminal(
    page,
    "unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200 & sleep 0.2; ps -o pid,ppid,stat,comm'",
  );
  await expect
    .poll(() => terminalText(page), { timeout: 10_000 })
    .toContain(
      [
        '    PID    PPID STAT COMMAND',
        '      1       0 S+   sh',
        '      2       1 S+   sleep',
        '      3       1 S+   sleep',
        '      5       1 R+   ps',
      ].join('\n'),
    );
  await page.screenshot({ path: 'e2e/screenshots/lab-unshare-ps-1280x720.png' });
});

test('Ctrl-C interrupts a foreground sleep and $? is 130', async ({ page }) => {
  await openLab(page);
  await typeInTerminal(page, 'sleep 100');
  await page.keyboard.press('Control+C');
  await expect.poll(() => terminalText(page)).toMatch(/sleep 100\n\^C\nroot@host:~# ?$/);
  await typeInTerminal(page, 'echo $?');
  await expect.poll(() => terminalText(page)).toMatch(/\n130\nroot@host:~# ?$/);
});

test('a second terminal has its own root shell and sees the first one’s processes', async ({
  page,
}) => {
  await openLab(page);
  await typeInTerminal(page, 'sleep 100 &');
  await expect.poll(() => terminalText(page)).toMatch(/\[1\] \d+/);
  await page.getByRole('button', { name: '+ New terminal' }).click();
  await expect(page.getByRole('tab', { name: 'pts/1' })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => terminalText(page)).toMatch(/^root@host:~# ?$/);
  await typeInTerminal(page, 'ps -e -o pid,tty,stat,comm');
  await expect.poll(() => terminalText(page)).toMatch(/pts\/0 +S +sleep/);
  await page.getByRole('tab', { name: 'pts/0' }).click();
  await expect.poll(() => terminalText(page)).toContain('sleep 100 &');
});

test('Ctrl+Shift+C copies the selection and Ctrl+Shift+V pastes it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openLab(page);
  await typeInTerminal(page, 'echo copy-me-please');
  await expect.poll(() => terminalText(page)).toContain('\ncopy-me-please\n');
  await page.evaluate(() => window.__pidlab?.selectAll());
  await page.keyboard.press('Control+Shift+C');
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toContain('copy-me-please');
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((6*7))'));
  await page.locator('.terminal-slot:not([hidden]) .xterm-helper-textarea').focus();
  await page.keyboard.press('Control+Shift+V');
  await page.keyboard.press('Enter');
  await expect.poll(() => terminalText(page)).toContain('\npasted-42\n');
});

test('exit ends the login shell; Enter logs in again', async ({ page }) => {
  await openLab(page);
  await typeInTerminal(page, 'exit');
  await expect.poll(() => terminalText(page)).toContain('Press Enter to log in again');
  await page.keyboard.press('Enter');
  await expect.poll(() => terminalText(page)).toMatch(/log in again\.\]\nroot@host:~# ?$/);
  await typeInTerminal(page, 'echo $$');
  await expect.poll(() => terminalText(page)).toMatch(/\n\d+\nroot@host:~# ?$/);
});

test('the terminal keeps fitting its panel when the window resizes', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page);
  const cols = () => page.evaluate(() => window.__pidlab?.terminalSize().cols ?? 0);
  const wide = await cols();
  expect(wide).toBeGreaterThan(40);
  await page.setViewportSize({ width: 1000, height: 720 });
  await expect.poll(cols).toBeLessThan(wide);
});

test('the theme follows prefers-color-scheme, terminal included', async ({ page }) => {
  const bodyBackground = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const terminalBackground = () =>
    page.evaluate(() => window.__pidlab?.terminalTheme().background ?? '');

  await page.emulateMedia({ colorScheme: 'dark' });
  await openLab(page);
  const darkBody = await bodyBackground();
  expect(await terminalBackground()).toBe('#0a0d12');
  await expect(page.getByRole('banner')).toContainText('Dark theme');

  // Switching the system preference while the page is open updates everything.
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(bodyBackground).not.toBe(darkBody);
  await expect.poll(terminalBackground).toBe('#ffffff');
  await expect(page.getByRole('banner')).toContainText('Light theme');
});

for (const colorScheme of ['dark', 'light'] as const) {
  test(`screenshot: ${colorScheme} theme at 1280x720`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme });
    await openLab(page);
    await typeInTerminal(page, 'help');
    await typeInTerminal(page, 'nosuchcmd');
    await expect.poll(() => terminalText(page)).toContain('-bash: nosuchcmd: command not found');
    await page.screenshot({ path: `${SCREENSHOTS}/lab-${colorScheme}-1280x720.png` });
  });
}

test('screenshot: narrow window stacks the panels', async ({ page }) => {
  await page.setViewportSize({ width: 600, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await openLab(page);
  await page.screenshot({ path: `${SCREENSHOTS}/lab-dark-600x900.png`, fullPage: true });
  const box = await page.getByRole('region', { name: 'Terminal' }).boundingBox();
  expect(box?.width ?? 0).toBeLessThanOrEqual(600);
});
