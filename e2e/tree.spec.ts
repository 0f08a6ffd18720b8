import { expect, test, type Locator, type Page } from '@playwright/test';
// Brings in the type of window.__pidlab, the read-only hooks the app exposes for tests.
import type {} from '../app/terminal/testHooks.ts';

/*
 * The process tree, used as a learner uses it: commands typed in the terminal, the tree read
 * through the accessibility tree (role tree / treeitem / group and their names), never pixels.
 */

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

const tree = (page: Page): Locator => page.getByRole('tree');
const item = (page: Page, name: RegExp): Locator => tree(page).getByRole('treeitem', { name });

/** The host PID in a tree item's name ("PID 4 sleep (PID 1 in pidns:2), ..."). */
async function pidOf(row: Locator): Promise<number> {
  const label = (await row.getAttribute('aria-label')) ?? '';
  const m = /^PID (\d+) /.exec(label);
  if (!m) throw new Error(`no PID in "${label}"`);
  return Number(m[1]);
}

test('a new PID namespace is a box, and its process shows both of its PIDs', async ({ page }) => {
  await openLab(page);
  await expect(tree(page)).toHaveAccessibleName('Processes seen from the host');
  await expect(item(page, /^PID 1 init, sleeping, 1 child$/)).toBeVisible();
  await expect(item(page, /^PID 2 bash, sleeping, 0 children$/)).toHaveAttribute('aria-level', '2');

  await typeInTerminal(page, 'unshare --pid --fork --mount-proc sleep 100 &');
  const sleep = item(page, /^PID \d+ sleep \(PID 1 in pidns:\d+\), sleeping, 0 children$/);
  await expect(sleep).toBeVisible();
  await expect(sleep).toHaveAttribute('aria-level', '4');
  await expect(item(page, /^PID \d+ unshare, sleeping, 1 child$/)).toBeVisible();
  await expect(
    tree(page).getByRole('group', {
      name: /^PID namespace pidns:\d+ \(level 1\): 1 of 4,194,304 PIDs used$/,
    }),
  ).toBeVisible();
  await expect(
    tree(page).getByRole('group', {
      name: /^host PID namespace \(level 0\): 4 of 32,768 PIDs used$/,
    }),
  ).toBeVisible();
  // The node itself shows the host PID and the namespace's PID.
  const hostPid = await pidOf(sleep);
  await expect(sleep).toContainText(`PID ${hostPid} → 1 inside`);
});

test('a child that exits unreaped becomes a zombie, and disappears when reaped', async ({
  page,
}) => {
  await openLab(page);
  await typeInTerminal(page, "sh -c 'sleep 0.3 & exec sleep 100' &");
  const zombie = item(page, /^PID \d+ sleep <defunct>, zombie, 0 children$/);
  await expect(zombie).toBeVisible();
  await expect(zombie).toContainText('zombie');
  await expect(item(page, /^PID \d+ sleep, sleeping, 1 child$/)).toBeVisible();
  // Killing its parent orphans it; init adopts and reaps it.
  await typeInTerminal(page, 'kill %1');
  await expect(zombie).toHaveCount(0);
  await expect(item(page, /^PID \d+ sleep/)).toHaveCount(0);
});

test('an orphan is reparented: its edge moves to the new parent', async ({ page }) => {
  await openLab(page);
  await typeInTerminal(page, "sh -c 'sleep 100 & sleep 4' &");
  const orphan = item(page, /^PID \d+ sleep, sleeping, 0 children$/).first();
  await expect(item(page, /^PID \d+ sh, sleeping, 2 children$/)).toBeVisible();
  const pid = await pidOf(orphan);
  const row = item(page, new RegExp(`^PID ${pid} sleep,`));
  await expect(row).toHaveAttribute('aria-level', '4');
  // sh exits after 4 s: the host's init adopts the sleep (find_new_reaper).
  await expect(row).toHaveAttribute('aria-level', '2', { timeout: 8000 });
  await expect(item(page, /^PID 1 init, sleeping, 2 children$/)).toBeVisible();
  await row.click();
  const details = page.getByRole('complementary', { name: new RegExp(`PID ${pid} sleep`) });
  await expect(details.getByRole('button', { name: 'PID 1 init' })).toBeVisible();
  await expect(details).toContainText(/PID 1 \(init\) adopts it/);
});

test('the viewpoint switch shows a namespace from inside: its numbering, PPID 0', async ({
  page,
}) => {
  await openLab(page);
  await typeInTerminal(page, "unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200' &");
  await expect(
    item(page, /^PID \d+ sh \(PID 1 in pidns:\d+\), sleeping, 2 children$/),
  ).toBeVisible();
  const select = page.getByRole('combobox', { name: 'View from' });
  await select.selectOption({
    label: await select.locator('option', { hasText: 'inside' }).first().innerText(),
  });
  await expect(tree(page)).toHaveAccessibleName(/^Processes seen from inside pidns:\d+$/);
  await expect(item(page, /^PID 1 sh, sleeping, 2 children$/)).toHaveAttribute('aria-level', '1');
  await expect(item(page, /^PID 2 sleep, sleeping, 0 children$/)).toBeVisible();
  await expect(item(page, /^PID 3 sleep, sleeping, 0 children$/)).toBeVisible();
  await expect(item(page, /bash|init|unshare/)).toHaveCount(0);
  await item(page, /^PID 1 sh/).click();
  const details = page.getByRole('complementary', { name: 'PID 1 sh' });
  await expect(details).toContainText('PPID 0 (its parent is outside this view)');
  await select.selectOption('host');
  await expect(tree(page)).toHaveAccessibleName('Processes seen from the host');
  await expect(item(page, /^PID 2 bash/)).toBeVisible();
});

test('the details panel decodes dispositions and tells recent events in words', async ({
  page,
}) => {
  await openLab(page);
  await typeInTerminal(
    page,
    'unshare --pid --fork --mount-proc sh -c \'trap "" TERM; trap "echo usr1" USR1; sleep 100\' &',
  );
  const sh = item(page, /^PID \d+ sh \(PID 1 in pidns:\d+\)/);
  await sh.click();
  const hostPid = await pidOf(sh);
  const details = page.getByRole('complementary', { name: `PID ${hostPid} sh` });
  await expect(details).toContainText(`PID ${hostPid} in the host (level 0)`);
  await expect(details).toContainText(/PID 1 in pidns:\d+ \(level 1\)/);
  await expect(details).toContainText('sleeping');
  const fact = (name: string): Locator => details.locator('dt', { hasText: name }).locator('+ dd');
  await expect(fact('Ignored')).toHaveText('SIGTERM');
  await expect(fact('Handled')).toContainText('SIGUSR1');
  await expect(fact('Handled')).toContainText('SIGCHLD');
  await expect(fact('Blocked')).toHaveText('none');
  await expect(details.getByRole('listitem').filter({ hasText: 'forked' }).first()).toContainText(
    'the first process of a new PID namespace: its PID 1',
  );
  await details.getByRole('button', { name: 'Close details' }).click();
  await expect(details).toHaveCount(0);
});

test('a dropped signal is explained: PID 1 of a namespace ignores SIGTERM without a handler', async ({
  page,
}) => {
  await openLab(page);
  await typeInTerminal(page, 'unshare --pid --fork --mount-proc sleep 100 &');
  const init = item(page, /^PID \d+ sleep \(PID 1 in pidns:\d+\)/);
  await expect(init).toBeVisible();
  await typeInTerminal(page, `kill -TERM ${await pidOf(init)}`);
  await expect(page.locator('.ptree__live')).toContainText('SIGTERM from PID 2 (bash) to PID');
  await expect(page.locator('.ptree__live')).toContainText(
    "was dropped. Why: A namespace's PID 1 drops signals it has no handler for.",
  );
  await expect(page.locator('.ptree-drop')).toContainText('SIGTERM dropped');
  await expect(init).toBeVisible();
});

test('with prefers-reduced-motion nothing travels: nodes jump, a drop is only explained', async ({
  page,
}) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openLab(page);
  await typeInTerminal(page, 'unshare --pid --fork --mount-proc sleep 100 &');
  const init = item(page, /^PID \d+ sleep \(PID 1 in pidns:\d+\)/);
  await expect(init).toBeVisible();
  // A new node is at its place at once: no growing, no sliding.
  const at = await init.getAttribute('transform');
  await page.waitForTimeout(150);
  expect(await init.getAttribute('transform')).toBe(at);
  await expect(page.locator('.ptree-node__inner.is-born')).toHaveCount(0);
  await typeInTerminal(page, `kill -TERM ${await pidOf(init)}`);
  await expect(page.locator('.ptree-drop')).toContainText('SIGTERM dropped');
  await expect(page.locator('.ptree-signal')).toHaveCount(0);
});

test('the keyboard walks the tree: arrows, Home, End, Enter selects', async ({ page }) => {
  await openLab(page);
  await typeInTerminal(page, 'sleep 100 &');
  await expect(item(page, /^PID \d+ sleep/)).toBeVisible();
  await item(page, /^PID 1 init/).focus();
  await page.keyboard.press('ArrowDown');
  await expect(item(page, /^PID 2 bash/)).toBeFocused();
  await page.keyboard.press('End');
  await expect(item(page, /^PID \d+ sleep/)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(item(page, /^PID 2 bash/)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(item(page, /^PID 1 init/)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(item(page, /^PID 2 bash/)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(item(page, /^PID 2 bash/)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('complementary', { name: 'PID 2 bash' })).toBeVisible();
  // Left on an open node closes it, Right opens it again.
  await page.keyboard.press('ArrowLeft');
  await expect(item(page, /^PID 2 bash/)).toHaveAttribute('aria-expanded', 'false');
  await expect(item(page, /^PID \d+ sleep/)).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(item(page, /^PID 2 bash/)).toHaveAttribute('aria-expanded', 'true');
  await expect(item(page, /^PID \d+ sleep/)).toBeVisible();
  // Only one tree item is in the tab order.
  await expect(tree(page).locator('[role=treeitem][tabindex="0"]')).toHaveCount(1);
});

test('hundreds of zombies of one parent are drawn as one group with its count', async ({
  page,
}) => {
  await openLab(page);
  await typeInTerminal(
    page,
    "sh -c 'i=0; while [ $i -lt 450 ]; do sleep 0 & i=$((i+1)); done; exec sleep 1000' &",
  );
  await expect(item(page, /^450 zombies sleep, children of PID \d+ \(sleep\)$/)).toBeVisible({
    timeout: 20_000,
  });
  await expect(tree(page).getByRole('treeitem')).toHaveCount(4);
});

for (const colorScheme of ['dark', 'light'] as const) {
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    test(`screenshot: the tree in the ${colorScheme} theme at ${width}x${height}`, async ({
      page,
    }) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      await openLab(page);
      await typeInTerminal(
        page,
        'unshare --pid --fork --mount-proc sh -c \'sleep 100 & sleep 200 & sh -c "sleep 300 &"; exec sleep 400\' &',
      );
      await typeInTerminal(page, "sh -c 'sleep 0.2 & exec sleep 100' &");
      await typeInTerminal(page, 'sleep 1000 &');
      await typeInTerminal(page, 'kill -STOP %3');
      await expect(item(page, /zombie/)).toBeVisible();
      await expect(item(page, /stopped/)).toBeVisible();
      const init = item(page, /^PID \d+ sleep \(PID 1 in pidns:\d+\)/);
      await init.click();
      await typeInTerminal(page, `kill -TERM ${await pidOf(init)}`);
      await expect(page.locator('.ptree-drop')).toBeVisible();
      await page.screenshot({ path: `${SCREENSHOTS}/tree-${colorScheme}-${width}x${height}.png` });

      const select = page.getByRole('combobox', { name: 'View from' });
      await select.selectOption({ index: 1 });
      await expect(tree(page)).toHaveAccessibleName(/inside pidns/);
      await page.screenshot({
        path: `${SCREENSHOTS}/tree-inside-${colorScheme}-${width}x${height}.png`,
      });
    });
  }
}

test('stage mode: the tree is larger, and keeps working', async ({ page }) => {
  test.setTimeout(60_000);
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/?stage=1');
    await expect.poll(() => terminalText(page)).toContain('root@host:~#');
    await typeInTerminal(page, "unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200' &");
    const sh = item(page, /^PID \d+ sh \(PID 1 in pidns:\d+\)/);
    await expect(sh).toBeVisible();
    await expect(page.locator('.ptree--stage')).toHaveCount(1);
    await sh.click();
    await expect(page.getByRole('complementary', { name: /sh$/ })).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/tree-stage-dark-${width}x${height}.png` });
  }
});

test('screenshot: a narrow window', async ({ page }) => {
  await page.setViewportSize({ width: 700, height: 1000 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await openLab(page);
  await typeInTerminal(page, 'unshare --pid --fork --mount-proc sleep 100 &');
  await expect(item(page, /PID 1 in pidns/)).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/tree-dark-700x1000.png`, fullPage: true });
});
