// End-to-end: the lab as a student found it (issue 12). At 1280x720 and 1366x768 with "What to
// try" open every region keeps a usable height and the page itself never scrolls; a problem's
// click shows its line; Tab from outside passes the editor without typing into it; the Locks
// tab says how to start a lock; the Pods panel shows NODE and IP; the console keeps wide tables'
// columns; the editor names the file the console applies; the theme button names its target.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';
import { playUntil } from './timeline.mjs';

const labs = [];
after(async () => {
  for (const lab of labs) await lab.close();
});

async function open(opts) {
  const lab = await openLab(`e2e-layout-site-${labs.length}`, opts);
  labs.push(lab);
  return lab;
}

/** Heights and edges of the regions and the parts inside them that must stay usable. */
function measure(page) {
  return page.evaluate(() => {
    const r = (sel) => {
      const e = document.querySelector(sel);
      if (!e) return null;
      const b = e.getBoundingClientRect();
      return { top: b.top, bottom: b.bottom, height: b.height, left: b.left, right: b.right };
    };
    const doc = document.scrollingElement;
    return {
      pageOverflow: doc.scrollHeight - window.innerHeight,
      exercise: r('.exercise'),
      editor: r('.editor'),
      code: r('.editor .code'),
      hint: r('.editor .hint'),
      problemsHead: r('.editor .problems-head'),
      cluster: r('.cluster'),
      panelBody: r('.panel-body'),
      console: r('.console'),
      scrollback: r('.console .scrollback'),
      input: r('.console-input'),
      lastEntry: r('.console .entry:last-child'),
    };
  });
}

for (const [width, height] of [[1280, 720], [1366, 768]]) {
  test(`at ${width}x${height} with "What to try" open every region keeps a usable height`, async () => {
    const { page, problems } = await open({ width, height });
    await page.click('.exercise .disclosure');
    await page.waitForSelector('#exercise-steps:not([hidden])');
    await page.click('.editor .apply');
    await page.waitForSelector('.console .entry');
    const m = await measure(page);
    await page.screenshot({ path: `${SHOTS}/layout-${width}x${height}-what-to-try.png` });
    const info = JSON.stringify(m, null, 1);
    assert.ok(m.pageOverflow <= 0, `the page itself does not scroll: ${info}`);
    assert.ok(m.scrollback.height >= 80, `the console's output is at least 80 px tall: ${info}`);
    // Apply's output shows: its entry overlaps the visible scrollback.
    assert.ok(m.lastEntry.bottom > m.scrollback.top + 20 && m.lastEntry.top < m.scrollback.bottom,
      `Apply's output is in view: ${info}`);
    assert.ok(m.input.bottom <= m.console.bottom + 1, `the console's input is inside it: ${info}`);
    assert.ok(m.code.height >= 120, `the editor's text area is at least 120 px: ${info}`);
    for (const part of ['hint', 'problemsHead']) {
      assert.ok(m[part].bottom <= m.editor.bottom - 4, `the editor's ${part} is not clipped: ${info}`);
    }
    assert.ok(m.panelBody.height >= 80, `the panel body is at least 80 px: ${info}`);
    assert.ok(m.cluster.height >= 300, `the cluster is at least 300 px: ${info}`);
    assert.ok(m.exercise.bottom <= m.editor.top, `the exercise ends above the editor: ${info}`);
    // The open steps scroll inside the exercise, to the last one.
    const lastStep = await page.$eval('.exercise', (ex) => {
      ex.scrollTop = ex.scrollHeight;
      const li = ex.querySelector('#exercise-steps li:last-child').getBoundingClientRect();
      return li.bottom <= ex.getBoundingClientRect().bottom + 1;
    });
    assert.ok(lastStep, 'the last step can be scrolled to inside the exercise');
    assert.deepEqual(problems, []);
  });
}

test('clicking a problem scrolls its line into view', async () => {
  const { page, problems } = await open();
  const filler = Array.from({ length: 300 }, (_, i) => `# line ${i + 3}`).join('\n');
  // A list item where a mapping belongs: a problem on line 2, then 300 lines below it.
  await page.fill('textarea.source', `kind: ConfigMap\nmetadata: [1, 2]\n${filler}\n`);
  await page.waitForFunction(() => /error|warning/.test(document.querySelector('.problems-head').textContent));
  // As after a paste: the caret and the view at the end.
  await page.$eval('textarea.source', (ta) => {
    ta.setSelectionRange(ta.value.length, ta.value.length);
    ta.scrollTop = ta.scrollHeight;
  });
  await page.waitForFunction(() => document.querySelector('.overlay').scrollTop > 0);
  const first = page.locator('.problems .problem').first();
  const label = await first.textContent();
  const [, line] = label.match(/^(\d+):(\d+)/).map(Number);
  await first.click();
  await page.waitForFunction((l) => [...document.querySelectorAll('.gutter .ln')]
    .some((n) => n.textContent === String(l)), line);
  const shown = await page.evaluate((l) => {
    const gutter = document.querySelector('.gutter').getBoundingClientRect();
    const n = [...document.querySelectorAll('.gutter .ln')].find((x) => x.textContent === String(l));
    const b = n.getBoundingClientRect();
    return { top: b.top, bottom: b.bottom, gTop: gutter.top, gBottom: gutter.bottom };
  }, line);
  assert.ok(shown.top >= shown.gTop && shown.bottom <= shown.gBottom,
    `line ${line} (${label}) is in view: ${JSON.stringify(shown)}`);
  await page.screenshot({ path: `${SHOTS}/layout-problem-click.png` });
  assert.deepEqual(problems, []);
});

test('Tab from outside passes the editor without typing into it', async () => {
  const { page, problems } = await open();
  const before = await page.inputValue('textarea.source');
  await page.focus('.editor .apply');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'source', 'Tab reaches the editor');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.className), 'source', 'the next Tab leaves it');
  assert.equal(await page.inputValue('textarea.source'), before, 'nothing was typed');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.className), 'source', 'Shift+Tab passes it too');
  assert.equal(await page.inputValue('textarea.source'), before);

  // Once the learner clicks in it, Tab indents; Esc, then Tab, still leaves.
  await page.click('textarea.source');
  await page.$eval('textarea.source', (ta) => ta.setSelectionRange(0, 0));
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('textarea.source'), `  ${before}`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.className), 'source');
  assert.equal(await page.inputValue('textarea.source'), `  ${before}`);
  // Coming back by keyboard does not indent either.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('textarea.source'), `  ${before}`);
  assert.deepEqual(problems, []);
});

test('the Locks tab says plainly how to start a lock', async () => {
  const { page, problems } = await open({ path: '/podlab/singleton' });
  await page.click('#tab-locks');
  const text = await page.textContent('#panel-locks');
  assert.match(text, /No locks yet\..*podlab\/leader-elector.*singleton-leader\.yaml.*docs\/apps\.md/);
  await page.screenshot({ path: `${SHOTS}/layout-locks.png` });
  assert.deepEqual(problems, []);
});

test('the Stateful page starts a StatefulSet and says nothing of one to come', async () => {
  const { page, problems } = await open({ path: '/podlab/stateful' });
  await page.click('.exercise .disclosure');
  const steps = await page.textContent('#exercise-steps');
  assert.doesNotMatch(steps, /arrive with|not run StatefulSets/i);
  assert.match(await page.inputValue('textarea.source'), /kind: StatefulSet/);
  await page.click('.editor .apply');
  await playUntil(page, 60_000);
  await page.waitForSelector('.meter[data-running="2"]');
  const names = await page.$$eval('.pod-name', (p) => p.map((x) => x.textContent));
  assert.ok(names.includes('rg-0') && names.includes('rg-1'), names.join(','));
  assert.deepEqual(problems, []);
});

test('at 1280 px the Pods panel shows NODE and IP, and the console keeps wide tables whole', async () => {
  const { page, problems } = await open();
  await page.click('.editor .apply');
  await playUntil(page, 30_000);
  await page.click('#tab-pods');
  await page.waitForFunction(() => /NODE/.test(document.querySelector('#panel-pods').textContent));
  // Where the headers NODE and IP are drawn (as table cells, or inside kubectl's text).
  const seen = await page.evaluate(() => {
    const body = document.querySelector('#panel-pods').getBoundingClientRect();
    const inView = (b) => b.width > 0 && b.left >= body.left && b.right <= body.right;
    const out = {};
    for (const name of ['NODE', 'IP']) {
      const th = [...document.querySelectorAll('#panel-pods th')].find((x) => x.textContent === name);
      if (th) {
        out[name] = inView(th.getBoundingClientRect());
        continue;
      }
      const text = document.querySelector('#panel-pods pre').firstChild;
      const at = text.textContent.split('\n')[0].search(new RegExp(`\\b${name}\\b`));
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + name.length);
      out[name] = inView(range.getBoundingClientRect());
    }
    return out;
  });
  assert.ok(seen.NODE && seen.IP, `NODE and IP are in view: ${JSON.stringify(seen)}`);

  await page.fill('.console-input', 'kubectl get pods -o wide');
  await page.press('.console-input', 'Enter');
  await page.waitForFunction(() => document.querySelector('.console .entry:last-child .prompt').textContent.includes('-o wide'));
  const pre = await page.$eval('.console .entry:last-child pre', (p) => {
    const lines = p.textContent.split('\n').filter((l) => l !== '').length;
    const lh = parseFloat(getComputedStyle(p).lineHeight);
    return { lines, rows: Math.round(p.clientHeight / lh), scrolls: p.scrollWidth > p.clientWidth };
  });
  assert.equal(pre.rows, pre.lines, `each table row is one line: ${JSON.stringify(pre)}`);
  assert.ok(pre.scrolls, 'the wide table scrolls sideways');
  await page.screenshot({ path: `${SHOTS}/layout-pods-1280.png` });
  assert.deepEqual(problems, []);
});

test('the editor names the file the console applies; a lone claim is not "no workloads"', async () => {
  const { page, problems } = await open();
  const pvc = 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 10Mi\n';
  await page.click('.editor .apply');
  await page.fill('textarea.source', pvc);
  await page.waitForFunction(() => document.querySelector('.problems-head').textContent !== 'Checking…');
  const named = await page.textContent('.editor-head .file');
  await page.click('.editor .apply');
  await page.waitForFunction(() => document.querySelectorAll('.console .entry').length === 2);
  const prompt = await page.textContent('.console .entry:last-child .prompt');
  assert.ok(prompt.endsWith(`kubectl apply -f ${named}`), `editor says ${named}, console: ${prompt}`);
  assert.notEqual(named, 'stateless.yaml', 'a changed text is applied under a new name');

  // Only the claim: delete the example's workloads and service.
  for (const line of ['kubectl delete rs random-generator', 'kubectl delete svc random-generator']) {
    await page.fill('.console-input', line);
    await page.press('.console-input', 'Enter');
  }
  await page.waitForFunction(() => document.querySelectorAll('.console .entry').length === 4);
  const head = await page.textContent('.cluster-head .meters');
  assert.doesNotMatch(head, /No workloads yet/);
  assert.match(head, /claim/);
  assert.deepEqual(problems, []);
});

test('the theme button names the theme it switches to', async () => {
  const { page, problems } = await open();
  const button = page.locator('.topbar button.theme');
  const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
  assert.match(await button.textContent(), dark ? /Light theme/ : /Dark theme/);
  await button.click();
  assert.match(await button.textContent(), dark ? /Dark theme/ : /Light theme/);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), dark ? 'light' : 'dark');
  assert.deepEqual(problems, []);
});
