// End-to-end: issue 15's watch and edit in the page. `kubectl get pods -w` prints the list,
// then each change below it as the timeline plays, until Ctrl+C; `kubectl edit` opens the live
// object in the editor, Apply saves it with `kubectl replace`, and a stale save is a conflict.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS, typeLine } from './lab.mjs';
import { playUntil } from './timeline.mjs';

let lab;
let page;
let problems;
const input = 'input.console-input';

before(async () => {
  lab = await openLab('e2e-watch-site');
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

test('a watch prints each change as the timeline plays, until Ctrl+C', async () => {
  await typeLine(page, 'kubectl get pods -w');
  assert.match(await page.textContent('.console'), /watching `kubectl get pods -w`/);
  await page.click('.editor .apply');
  await playUntil(page, 20_000);
  const printed = await page.$$eval('.scrollback .entry.background', (els) =>
    els.filter((e) => e.textContent.includes('(kubectl get pods -w)')).map((e) => e.querySelector('pre').textContent).join(''));
  assert.match(printed, /random-generator-\S+ +0\/1 +Pending/);
  assert.match(printed, /ContainerCreating/);
  assert.match(printed, /1\/1 +Running/);
  // The list was empty: the header comes once, with the first change.
  assert.equal(printed.match(/NAME/g)?.length, 1, printed);
  await page.screenshot({ path: `${SHOTS}/watch.png` });
  await page.focus(input);
  await page.keyboard.press('Control+c');
  await page.waitForSelector('.scrollback pre >> text=^C');
  assert.doesNotMatch(await page.textContent('.console'), /watching `/);
  assert.deepEqual(problems, []);
});

test('kubectl edit opens the object in the editor; a stale save is a conflict', async () => {
  await typeLine(page, 'kubectl edit rs random-generator');
  await page.waitForFunction(() => document.querySelector('.editor textarea').value.startsWith('# Please edit the object below.'));
  const text = await page.$eval('.editor textarea', (t) => t.value);
  assert.match(text, /resourceVersion: "\d+"/);
  // A change in between makes the copy in the editor stale.
  await typeLine(page, 'kubectl label rs random-generator tier=web');
  await page.click('.editor .apply');
  await page.waitForSelector('.scrollback >> text=the object has been modified');
  await page.screenshot({ path: `${SHOTS}/edit-conflict.png` });
  // A fresh copy saves.
  await typeLine(page, 'kubectl edit rs random-generator');
  await page.click('.editor .apply');
  await page.waitForSelector('.scrollback pre >> text=replicaset.apps/random-generator replaced');
  assert.doesNotMatch(await page.$eval('.editor textarea', (t) => t.value), /Please edit/, 'the manifest is back');
  assert.deepEqual(problems, []);
});

test('the console walks its history with Up and Down, and Enter clears the line', async () => {
  await typeLine(page, 'kubectl get nodes');
  await typeLine(page, 'lab help');
  assert.equal(await page.inputValue(input), '', 'Enter clears the line');
  await page.focus(input);
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.inputValue(input), 'lab help');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.inputValue(input), 'kubectl get nodes');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue(input), 'lab help');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue(input), '', 'past the newest line: an empty one');
  // Typing starts a new line: Up goes back to the newest again.
  await page.keyboard.type('kubectl get po');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.inputValue(input), 'lab help');
  // The scrollback follows what is printed.
  const atBottom = await page.$eval('.scrollback', (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2);
  assert.ok(atBottom, 'the scrollback shows the newest entry');
  assert.deepEqual(problems, []);
});
