// End-to-end, issue 12 ("The lab as a student found it"), items 1, 4, 5 and 8: a share link
// opens beside the learner's work and never replaces it (across tabs too); the scrubber
// reaches the end of the run and a command there does not fork; "Next change" always changes
// what is on screen or says nothing will; Undo keeps more than one step and the speed stays.
// Needs `trunk build --release --public-url /podlab/` first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';
import { launch } from './browser.mjs';
import { playUntil, seek } from './timeline.mjs';

let lab;
let page;
let problems;
let server;

before(async () => {
  lab = await openLab('e2e-share-site');
  ({ page, problems, server } = lab);
});

after(async () => {
  await lab?.close();
});

async function run(p, line) {
  await p.fill('.console-input', line);
  await p.press('.console-input', 'Enter');
  await p.waitForSelector(`.scrollback .prompt >> text=$ ${line}`);
}

const notice = (p) => p.textContent('.exercise .notice');
const clock = (p) => p.textContent('.timeline .clock');
const prompts = (p) => p.$$eval('.scrollback .prompt', (ps) => ps.map((e) => e.textContent.replace(/^\S+ \$ /, '')));

/** What the cluster view and the Pods panel show, without the pods' ages. */
const screen = (p) => p.evaluate(() => {
  const pods = document.querySelector('#panel-pods pre')?.textContent ?? '';
  const lines = pods.split('\n');
  const at = (lines[0] ?? '').indexOf(' AGE');
  const noAge = lines.map((l) => (at < 0 ? l : l.slice(0, at + 1) + l.slice(at + 4).replace(/^\S*\s*/, ''))).join('\n');
  return `${document.querySelector('.region.cluster').innerText}\n${noAge}`;
});

test('a classmate\'s share link opens beside your work and never replaces it', async () => {
  // My work: an edited manifest, applied and played.
  const mine = (await page.inputValue('textarea.source')).replace(/replicas: \d+/, 'replicas: 2');
  await page.fill('textarea.source', mine);
  await page.click('.editor .apply');
  await playUntil(page, 20_000);
  await run(page, 'lab partition node-1');
  const myClock = await clock(page);

  // A classmate's link, made in their own browser.
  const other = await launch();
  const theirs = await other.context.newPage();
  await theirs.goto(`${server.url}/podlab/stateless`);
  await theirs.waitForSelector('.editor .apply');
  await theirs.click('.editor .apply');
  await playUntil(theirs, 5_000);
  await theirs.click('button[aria-label="Make a share link"]');
  const link = await theirs.inputValue('.share-url');
  await other.close();

  // Opened in another tab of my browser: labelled as someone else's run.
  const tab = await page.context().newPage();
  tab.on('pageerror', (e) => problems.push(`tab: ${e.message}`));
  await tab.goto(link);
  await tab.waitForSelector('.run-choice >> text=Someone else\'s run');
  assert.match(await notice(tab), /beside your work/);
  assert.notEqual(await tab.inputValue('textarea.source'), mine);
  await tab.screenshot({ path: `${SHOTS}/share-1-someone-elses-run.png` });

  // Opening the page again brings back my own work.
  await tab.waitForTimeout(300); // the autosave runs after the render
  await tab.goto(`${server.url}/podlab/stateless`);
  await tab.waitForSelector('.editor .apply');
  assert.match(await notice(tab), /Restored your work/);
  assert.equal(await tab.inputValue('textarea.source'), mine);
  assert.equal(await clock(tab), myClock);
  assert.ok((await prompts(tab)).includes('lab partition node-1'));
  assert.equal(await page.$('.run-choice'), null, 'the first tab saw nothing of its own change');

  // Work changed in one tab waits, in the other, for a choice: nothing is saved over it.
  await run(tab, 'lab heal node-1');
  await page.waitForSelector('.run-choice >> text=Another tab saved different work');
  await page.screenshot({ path: `${SHOTS}/share-2-another-tab.png` });
  await run(page, 'kubectl get pods');
  await page.waitForTimeout(300);
  const saved = () => page.evaluate(() => localStorage.getItem('podlab.run.stateless'));
  assert.match(await saved(), /lab heal node-1/, 'the other tab\'s work is still saved');
  await page.click('.run-choice >> text=Keep this tab\'s');
  await page.waitForFunction(() => !/lab heal node-1/.test(localStorage.getItem('podlab.run.stateless')));
  await tab.close();
  assert.deepEqual(problems, []);
});

test('the scrubber reaches the end of the run, and a command there does not fork', async () => {
  for (let i = 0; i < 6; i++) await page.click('button[aria-label="Step one event"]');
  const end = await clock(page);
  await seek(page, 1_000);
  // Drag the thumb past the right end, as a learner would.
  const box = await (await page.$('.scrubber')).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + 40, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  assert.equal(await clock(page), end);
  await run(page, 'lab heal node-1');
  assert.doesNotMatch(await notice(page), /Forked/);
  assert.match(await notice(page), /^Ran `lab heal node-1`/);
  assert.deepEqual(problems, []);
});

test('"Next change" always changes what is on screen, or says nothing will', async () => {
  await page.click('#tab-pods').catch(() => page.click('[role="tab"] >> text=Pods'));
  await playUntil(page, (await page.$eval('.scrubber', (s) => Number(s.max))) + 5_000);
  const pod = await page.$eval('.node .pod .pod-name', (n) => n.textContent);
  await run(page, `kubectl delete pod ${pod}`);
  let stayed = 0;
  for (let i = 0; i < 10; i++) {
    const [before, t0] = [await screen(page), await clock(page)];
    await page.click('button[aria-label="Step to the next change"]');
    await page.waitForTimeout(50);
    const after = await screen(page);
    if (after === before) {
      stayed++;
      assert.match(await notice(page), /Nothing on screen changes in the next 10 minutes/, `press ${i + 1}`);
      assert.equal(await clock(page), t0, `press ${i + 1} stays`);
    }
  }
  assert.ok(stayed > 0, 'the run settles');
  await page.screenshot({ path: `${SHOTS}/share-3-nothing-changes.png` });
  assert.deepEqual(problems, []);
});

test('Undo keeps more than one step, and the speed stays across pages and links', async () => {
  const before = await prompts(page);
  const t = await clock(page);
  await seek(page, 10_000);
  await run(page, 'lab crash node-2');
  assert.match(await notice(page), /Forked/);
  await seek(page, 5_000);
  await run(page, 'lab crash node-3');
  assert.match(await notice(page), /Forked/);
  const undo = 'button[aria-label="Undo the last change to the run"]';
  await page.click(undo);
  assert.ok((await prompts(page)).includes('lab crash node-2'));
  assert.equal(await page.isDisabled(undo), false, 'the earlier fork is still undoable');
  await page.click(undo);
  assert.deepEqual(await prompts(page), before);
  await seek(page, 1e9);
  assert.equal(await clock(page), t);

  await page.selectOption('select[aria-label="Speed"]', '5');
  await page.click('nav >> text=Singleton Service');
  await page.waitForSelector('#exercise-title >> text=Singleton Service');
  assert.equal(await page.inputValue('select[aria-label="Speed"]'), '5');
  await page.click('button[aria-label="Make a share link"]');
  const url = await page.inputValue('.share-url');
  await page.keyboard.press('Escape');
  await page.evaluate((f) => { location.hash = f; }, url.slice(url.indexOf('#')));
  await page.waitForSelector('.run-choice');
  assert.equal(await page.inputValue('select[aria-label="Speed"]'), '5');
  const fresh = await page.context().newPage();
  await fresh.goto(`${server.url}/podlab/stateless`);
  await fresh.waitForSelector('.editor .apply');
  assert.equal(await fresh.inputValue('select[aria-label="Speed"]'), '5');
  await fresh.close();
  assert.deepEqual(problems, []);
});
