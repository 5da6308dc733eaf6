// End-to-end: the YAML editor with real keys in headless chromium. Tab over a selection indents
// it (and Ctrl+Z takes it back), and a 50,000-line paste stays usable: only the lines in view
// are drawn, line numbers follow the scroll, and the text survives a reload.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';

let lab;
let page;
let problems;

before(async () => {
  lab = await openLab('e2e-editor-site', { clipboard: true });
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

const value = () => page.inputValue('textarea.source');

/** Selects UTF-16 offsets start..end in the editor, as a drag would (a click first: Tab
 * indents only once the learner works in the editor). */
async function select(start, end) {
  await page.click('textarea.source');
  await page.$eval('textarea.source', (ta, [s, e]) => {
    ta.focus();
    ta.setSelectionRange(s, e);
  }, [start, end]);
}

test('Tab over selected lines indents them, Shift+Tab and Ctrl+Z take it back', async () => {
  const original = await value();
  const lines = original.split('\n');
  // Lines 2 to 4, selected from the middle of line 2 to the middle of line 4.
  const start = lines[0].length + 1 + 3;
  const end = lines.slice(0, 3).join('\n').length + 1 + 4;
  await select(start, end);
  await page.keyboard.press('Tab');
  const indented = await value();
  const expected = lines.map((l, i) => (i >= 1 && i <= 3 && l !== '' ? `  ${l}` : l)).join('\n');
  assert.equal(indented, expected, 'the selected lines moved right and nothing was lost');
  const sel = await page.$eval('textarea.source', (ta) => [ta.selectionStart, ta.selectionEnd]);
  assert.ok(sel[1] > sel[0], 'the lines stay selected');
  await page.screenshot({ path: `${SHOTS}/editor-1-tab-indents.png` });

  await page.keyboard.press('Shift+Tab');
  assert.equal(await value(), original, 'Shift+Tab outdents the same lines');
  await page.keyboard.press('Tab');
  assert.equal(await value(), expected);
  await page.keyboard.press('Control+z');
  assert.equal(await value(), original, 'Ctrl+Z undoes the indent');

  // A caret gets two spaces, and the app sees the change.
  await select(0, 0);
  await page.keyboard.press('Tab');
  assert.equal(await value(), `  ${original}`);
  await page.keyboard.press('Control+z');
  assert.equal(await value(), original);
  assert.deepEqual(problems, []);
});

test('a 50,000-line paste draws only the lines in view and keeps working', async () => {
  const big = Array.from({ length: 50_000 }, (_, i) => `k${i}: v`).join('\n');
  await page.evaluate((text) => navigator.clipboard.writeText(text), big);
  await select(0, (await value()).length);
  const t0 = Date.now();
  await page.keyboard.press('Control+v');
  await page.waitForFunction(() => document.querySelector('.problems-head').textContent.includes('error'));
  const pasted = Date.now() - t0;
  assert.equal((await value()).length, big.length);
  const drawn = await page.$$eval('.gutter .ln', (l) => l.length);
  assert.ok(drawn > 20 && drawn < 400, `only the lines in view are drawn: ${drawn}`);

  // Scroll to the end: the numbers there are the last lines, and the copy lines up with them.
  await page.$eval('textarea.source', (ta) => { ta.scrollTop = ta.scrollHeight; });
  // Scroll events arrive a frame later: wait for the copy to catch up (it never does if it is
  // shorter than the textarea), then check the last line number shows.
  await page.waitForFunction(() => {
    const ta = document.querySelector('textarea.source');
    const ov = document.querySelector('.overlay');
    const numbers = [...document.querySelectorAll('.gutter .ln')].map((l) => l.textContent);
    return ta.scrollTop > 0 && ov.scrollTop === ta.scrollTop && numbers.includes('50000');
  }, null, { timeout: 5_000 });
  const lastInView = await page.evaluate(() => {
    const last = [...document.querySelectorAll('.gutter .ln')].at(-1).getBoundingClientRect();
    return last.bottom <= document.querySelector('.gutter').getBoundingClientRect().bottom + 1;
  });
  assert.ok(lastInView, 'the last line number is in view');

  // Typing at the end still works, and every keystroke lands.
  const t1 = Date.now();
  await page.$eval('textarea.source', (ta) => { ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); });
  await page.keyboard.type('\nend: 1');
  await page.waitForFunction(() => document.querySelector('textarea.source').value.endsWith('\nend: 1'));
  const typed = Date.now() - t1;
  // A long text is checked once typing pauses.
  await page.waitForFunction(() => /^1 error/.test(document.querySelector('.problems-head').textContent));
  await page.screenshot({ path: `${SHOTS}/editor-2-long-paste.png` });
  console.log(`# editor: 50,000-line paste shown in ${pasted} ms; 7 keys typed in ${typed} ms; ${drawn} lines drawn`);

  // The autosave keeps it: a reload brings the text back.
  await page.waitForTimeout(300);
  const t2 = Date.now();
  await page.reload();
  await page.waitForSelector('.editor .apply');
  assert.ok((await value()).endsWith('k49999: v\nend: 1'));
  console.log(`# editor: reload with the long text in ${Date.now() - t2} ms`);
  assert.deepEqual(problems, []);
});
