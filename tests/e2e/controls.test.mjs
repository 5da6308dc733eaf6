// End-to-end: the controls around the run at 1280x720 in headless chromium. Action menus close
// on a press outside and fit their column; the share link and long notices never move the
// layout. Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';

let lab;
let page;
let problems;

before(async () => {
  lab = await openLab('e2e-controls-site');
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

/** Where the regions are: any move between two calls is a layout shift. */
const boxes = () => page.$$eval('.exercise, .editor, .cluster, .panels, .console, .timeline .scrub', (els) =>
  els.map((e) => { const r = e.getBoundingClientRect(); return [e.className, r.x, r.y, r.width, r.height]; }));

test('one action menu at a time, closed by a press outside, every item reachable', async () => {
  const menus = () => page.$$eval('[role=menu]', (m) => m.length);
  await page.click('[aria-label="Actions on node node-1"]');
  assert.equal(await menus(), 1);
  await page.click('[aria-label="Actions on node node-2"]');
  assert.equal(await menus(), 1, 'opening a second menu closes the first');
  assert.equal(await page.getAttribute('[aria-label="Actions on node node-1"]', 'aria-expanded'), 'false');

  // The last item can be reached: scrolled into the menu, and inside the window.
  await page.keyboard.press('End');
  const last = await page.$eval('[role=menu] li:last-child [role=menuitem]', (el) => {
    const r = el.getBoundingClientRect();
    return { focused: document.activeElement === el, bottom: r.bottom, text: el.textContent };
  });
  const items = await page.$$eval('[role=menu] [role=menuitem]', (l) => l.map((e) => e.textContent));
  assert.equal(last.text, items.at(-1));
  assert.ok(last.focused, 'End focuses the last item');
  assert.ok(last.bottom <= 720, `the last item is in the window: ${last.bottom}`);
  await page.screenshot({ path: `${SHOTS}/controls-1-node-menu.png` });

  await page.mouse.click(640, 40); // the header
  assert.equal(await menus(), 0, 'a press outside closes it');
  assert.deepEqual(problems, []);
});

test('a menu from the keyboard: the first item takes the focus, arrows move it, Escape gives it back', async () => {
  const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
  await page.focus('[aria-label="Actions on node node-3"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=menu]');
  const items = await page.$$eval('[role=menu] [role=menuitem]', (l) => l.map((e) => e.textContent));
  assert.equal(await focused(), items[0]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), items[1]);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(), items.at(-1), 'ArrowUp from the first wraps to the last');
  await page.keyboard.press('Escape');
  assert.equal(await page.$('[role=menu]'), null, 'Escape closes it');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Actions on node node-3');
  // Enter on an item runs its command and closes the menu.
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=menu]');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.scrollback >> text=$ ${items[0].replace(/^.*?(lab |kubectl )/, '$1')}`);
  assert.equal(await page.$('[role=menu]'), null);
  assert.deepEqual(problems, []);
});

test('the share link floats: the scrubber keeps its place and size', async () => {
  const before = await boxes();
  await page.click('button[aria-label="Make a share link"]');
  await page.waitForSelector('.share-box');
  assert.deepEqual(await boxes(), before);
  assert.match(await page.inputValue('.share-url'), /#run=/);
  const selected = await page.$eval('.share-url', (i) => document.activeElement === i && i.selectionEnd - i.selectionStart === i.value.length);
  assert.ok(selected, 'the link is focused and selected, ready for Ctrl+C');
  await page.screenshot({ path: `${SHOTS}/controls-2-share.png` });
  await page.keyboard.press('Escape');
  assert.equal(await page.$('.share-box'), null, 'Escape closes it');
  assert.deepEqual(problems, []);
});

test('a long notice keeps the editor and console where they are', async () => {
  await page.click('.editor .apply');
  await page.waitForSelector('.scrollback >> text=replicaset.apps/random-generator created');
  const before = await boxes();
  // A change with a long line: the notice quotes it whole.
  const input = 'kubectl annotate replicaset random-generator example.com/a-rather-long-annotation-key=and-an-even-longer-value';
  await page.fill('.console input', input);
  await page.press('.console input', 'Enter');
  await page.waitForFunction(() => document.querySelector('.exercise .notice').textContent.length > 80);
  assert.deepEqual(await boxes(), before);
  const notice = await page.$eval('.exercise .notice', (n) => [n.textContent, n.title]);
  assert.equal(notice[1], notice[0], 'the whole notice is its tooltip');
  assert.deepEqual(problems, []);
});

test('"What to try" stays open from page to page, as the panel it belongs to does', async () => {
  const other = await openLab('e2e-controls-steps-site');
  try {
    const p = other.page;
    const open = () => p.getAttribute('.exercise .disclosure', 'aria-expanded');
    assert.equal(await open(), 'false');
    await p.click('.exercise .disclosure');
    await p.waitForSelector('#exercise-steps:not([hidden])');
    assert.equal(await open(), 'true');
    // The header's link to another pattern keeps the exercise panel, and the list open.
    await p.click('nav a[href="singleton"]');
    await p.waitForFunction(() => document.querySelector('.exercise h2')?.textContent.includes('Singleton'));
    assert.equal(await open(), 'true');
    assert.equal(await p.$eval('#exercise-steps', (l) => l.hidden), false);
    await p.click('.exercise .disclosure');
    await p.waitForSelector('#exercise-steps[hidden]', { state: 'attached' });
    assert.equal(await open(), 'false');
    assert.deepEqual(other.problems, []);
  } finally {
    await other.close();
  }
});

test('the share box remembers its link: closed stays closed for that link, Copy confirms', async () => {
  const other = await openLab('e2e-controls-sharebox-site', { clipboard: true });
  try {
    const p = other.page;
    const share = () => p.click('button[aria-label="Make a share link"]');
    await share();
    await p.waitForSelector('.share-box');
    await p.click('.share-box button:has-text("Copy")');
    await p.waitForSelector('.share-box .hint:has-text("Copied to the clipboard.")');
    await p.click('.share-box .close');
    assert.equal(await p.$('.share-box'), null, 'the close button closes it');
    // The same run makes the same link: the box stays closed for it.
    await share();
    await p.waitForTimeout(300);
    assert.equal(await p.$('.share-box'), null, 'the closed link does not come back');
    // A change to the run forgets the link; the next one opens the box afresh, not copied.
    await p.click('.editor .apply');
    await p.waitForSelector('.scrollback >> text=replicaset.apps/random-generator created');
    await share();
    await p.waitForSelector('.share-box');
    assert.match(await p.textContent('.share-box .hint'), /Opening this link replays/);
    assert.deepEqual(other.problems, []);
  } finally {
    await other.close();
  }
});
