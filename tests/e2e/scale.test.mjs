// End-to-end: issue 16's bounded work per frame. One typo (`--replicas=100000`) must not
// freeze the page: the engine does a frame's worth of work at a time, the timeline says how far
// it got, and Pause answers within a second while the ReplicaSet is still creating pods.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';

let lab;
let page;
let problems;
const input = 'input.console-input';

before(async () => {
  lab = await openLab('e2e-scale-site');
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

test('scaling to 100,000 replicas keeps the page responsive, and Pause stops it', async () => {
  await page.click('.editor .apply');
  await page.waitForSelector('.scrollback >> text=replicaset.apps/random-generator created');
  await page.fill(input, 'kubectl scale rs random-generator --replicas=100000');
  await page.press(input, 'Enter');
  await page.waitForSelector('.scrollback >> text=replicaset.apps/random-generator scaled');
  await page.selectOption('.timeline select', '100');
  await page.click('.timeline .play');
  // The run falls behind the clock and says how far it got, in pods created.
  await page.waitForSelector('.scrub .busy', { timeout: 20_000 });
  await page.waitForFunction(() => /of 100,000 pods created/.test(document.querySelector('.scrub .busy')?.textContent ?? ''), null, { timeout: 20_000 });
  const first = await page.textContent('.scrub .busy');
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: `${SHOTS}/scale-100000-busy.png` });
  // Pause: the click is handled, and the page shows it, within a second.
  const started = Date.now();
  // A real click at the button; Playwright's wait for a stable box needs two animation frames in a row, which a busy page may not give it, so the time is measured from the click to the page's answer.
  await page.click('.timeline .play', { force: true, timeout: 1_000 });
  await page.waitForSelector('.timeline .play[aria-pressed="false"]', { timeout: 1_000 });
  const took = Date.now() - started;
  assert.ok(took < 1_000, `Pause took ${took} ms`);
  assert.equal(await page.$('.scrub .busy'), null, 'no more work once paused');
  const created = (s) => Number(s.match(/([\d,]+) of/)[1].replace(/,/g, ''));
  const pods = await page.$$eval('.pending .cards li, .truth.api .cards li', (l) => l.length);
  assert.ok(pods <= 4 * 60, `at most 60 cards per place (${pods})`);
  // The frames made progress between the first report and the pause.
  const rows = await page.textContent('.pending');
  assert.match(rows, /and [\d]+ more pending pods/);
  assert.ok(created(first) >= 0);
  // The page still takes commands at once.
  await page.fill(input, 'kubectl get rs random-generator');
  await page.press(input, 'Enter');
  await page.waitForSelector('.scrollback pre >> text=/random-generator\\s+100000/', { timeout: 2_000 });
  await page.screenshot({ path: `${SHOTS}/scale-100000-paused.png` });
  // Next change: thousands of scheduling attempts change nothing on screen; the search goes on
  // a frame at a time, and the page takes the next click at once.
  const clicked = Date.now();
  await page.click('.timeline >> text=Next change', { force: true, timeout: 1_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  const answered = Date.now() - clicked;
  assert.ok(answered < 1_000, `Next change held the page ${answered} ms`);
  const searching = await page.$('.scrub .busy');
  if (searching) {
    assert.match(await searching.textContent(), /looking for the next change/);
    await page.click('.timeline .play', { force: true, timeout: 1_000 });
    // The button toggles: a search that ended just before the click leaves the run resting,
    // and the click starts play. Pause it again, so the run rests where the test reads it
    // (a playing run is not autosaved, and the reload below restored an earlier point).
    if (await page.$('.timeline .play[aria-pressed="true"]')) {
      await page.click('.timeline .play', { force: true, timeout: 1_000 });
    }
    await page.waitForSelector('.scrub .busy', { state: 'detached', timeout: 1_000 });
  }
  await page.waitForSelector('.timeline .play[aria-pressed="false"]', { timeout: 1_000 });
  assert.deepEqual(problems, []);
});

test('a reload rebuilds the large run a frame at a time, and the page answers meanwhile', async () => {
  // The run above rests (paused), so the autosave holds it: tens of thousands of engine events.
  const count = async () => {
    await page.fill(input, 'kubectl get rs random-generator -o jsonpath={.status.replicas}');
    await page.press(input, 'Enter');
    await page.waitForFunction(() => {
      const last = [...document.querySelectorAll('.scrollback .entry')].pop();
      return /jsonpath/.test(last?.textContent ?? '') && /^\d+$/.test(last.querySelector('pre')?.textContent.trim() ?? '');
    }, null, { timeout: 5_000 });
    return Number((await page.locator('.scrollback .entry pre').last().textContent()).trim());
  };
  const before = await count();
  assert.ok(before > 1_000, `pods created before the reload: ${before}`);
  await page.reload();
  // The first piece runs before the page first draws; the rest goes a frame at a time.
  await page.waitForSelector('.scrub .busy >> text=/restoring the run… [\\d,]+ of [\\d,]+ events/', { timeout: 10_000 });
  await page.screenshot({ path: `${SHOTS}/scale-restoring.png` });
  // A command meanwhile is answered at once, and kept in the console.
  const typed = Date.now();
  await page.fill(input, 'kubectl get pods', { timeout: 1_000 });
  await page.press(input, 'Enter', { timeout: 1_000 });
  await page.waitForSelector('.scrollback >> text=/still being restored/', { timeout: 1_000 });
  assert.ok(Date.now() - typed < 1_500, `the command waited ${Date.now() - typed} ms`);
  // Then the run is whole again, as it was.
  await page.waitForSelector('.scrub .busy', { state: 'detached', timeout: 120_000 });
  assert.equal(await count(), before);
  assert.deepEqual(problems, []);
});
