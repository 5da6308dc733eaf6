// End-to-end: the console follows the run through a fork and its undo, and a share link opened
// in the same tab (only the fragment changes) opens its run; a damaged one says so and keeps
// the learner's work. Needs `trunk build --release --public-url /podlab/` first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';
import { playUntil, seek as seekTo } from './timeline.mjs';

let lab;
let page;
let problems;
let server;

before(async () => {
  lab = await openLab('e2e-fork-site');
  ({ page, problems, server } = lab);
});

after(async () => {
  await lab?.close();
});

async function run(line) {
  await page.fill('.console-input', line);
  await page.press('.console-input', 'Enter');
  await page.waitForSelector(`.scrollback .prompt >> text=$ ${line}`);
}

const seek = (ms) => seekTo(page, ms);

const prompts = () => page.$$eval('.scrollback .entry', (es) => es.map((e) => [
  e.querySelector('.prompt').textContent.replace(/^\S+ \$ /, ''),
  e.classList.contains('ahead'),
]));

test('a fork drops the replaced future from the console, and undo brings it back', async () => {
  await page.click('.editor .apply');
  await playUntil(page, 20_000);
  await run('lab partition node-1');
  await playUntil(page, 2 * 60_000);
  await run('kubectl get pods');
  await run('kubectl annotate replicaset random-generator podlab/later=yes');

  // Scrubbed back: the later commands stay, faded as "ahead".
  await seek(60_000);
  await page.waitForFunction(() => document.querySelector('.timeline .clock').textContent === '01:00.0');
  for (const [line, ahead] of await prompts()) {
    assert.equal(ahead, /get pods|annotate/.test(line), `${line}: ahead=${ahead}`);
  }

  // A change here forks: what the old future printed is gone.
  await run('lab heal node-1');
  const forked = (await prompts()).map(([l]) => l);
  assert.deepEqual(forked, ['kubectl apply -f stateless.yaml', 'lab partition node-1', 'lab heal node-1']);
  assert.match(await page.textContent('.exercise .notice'), /Forked at 1m0s: the old future was replaced/);
  await page.screenshot({ path: `${SHOTS}/fork-1-forked.png` });

  await page.click('button[aria-label="Undo the last change to the run"]');
  const undone = (await prompts()).map(([l]) => l);
  assert.ok(!undone.includes('lab heal node-1'), undone.join('\n'));
  assert.ok(undone.some((l) => l.startsWith('kubectl annotate')), undone.join('\n'));
  assert.deepEqual(problems, []);
});

test('a share link pasted into the same tab opens its run', async () => {
  await seek(1e9);
  const clock = await page.textContent('.timeline .clock');
  await page.click('button[aria-label="Make a share link"]');
  const url = await page.inputValue('.share-url');
  const fragment = url.slice(url.indexOf('#'));
  await page.keyboard.press('Escape');
  await page.click('button[aria-label="Start this page over"]');
  await page.waitForFunction(() => document.querySelector('.timeline .clock').textContent === '00:00.0');

  await page.evaluate((f) => { location.hash = f; }, fragment);
  await page.waitForFunction(() => /Opened someone else's run/.test(document.querySelector('.exercise .notice').textContent));
  assert.equal(await page.textContent('.timeline .clock'), clock);
  assert.ok(!page.url().includes('#run='), 'the fragment is dropped once read');
  // Kept as the learner's own work, it is what the autosave holds.
  await page.click('.run-choice >> text=Keep as my work');
  assert.equal(await page.$('.run-choice'), null);
  assert.deepEqual(problems, []);
});

test('a damaged share link says so and keeps the work from the autosave', async () => {
  const clock = await page.textContent('.timeline .clock');
  await page.waitForTimeout(200); // the autosave runs after the render
  await page.evaluate(() => { location.hash = '#run=not-a-run'; });
  await page.waitForFunction(() => /could not be read/.test(document.querySelector('.exercise .notice').textContent));
  const notice = await page.textContent('.exercise .notice');
  assert.match(notice, /^The share link could not be read: .*\. Your autosaved work is open instead\.$/);
  // Short enough for the notice's two lines: nothing is cut off.
  assert.ok(await page.$eval('.exercise .notice', (n) => n.scrollHeight <= n.clientHeight + 1), notice);
  assert.equal(await page.textContent('.timeline .clock'), clock);

  // On a fresh load too.
  await page.goto(`${server.url}/podlab/stateless#run=AAAA`);
  await page.waitForSelector('.editor .apply');
  assert.match(await page.textContent('.exercise .notice'), /could not be read.*autosaved work is open instead/);
  await page.screenshot({ path: `${SHOTS}/fork-2-damaged-link.png` });
  assert.deepEqual(problems, []);
});
