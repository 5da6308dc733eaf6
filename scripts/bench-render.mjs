// Benchmark (not a test): how long one step takes to simulate and render with 100 nodes and
// 1,000 pods, in headless chromium. Needs the release site in dist/ (trunk build --release
// --public-url /podlab/). Run: node scripts/bench-render.mjs
import { cp, mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { serve } from '../tests/e2e/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const SITE = resolve(ROOT, 'target/bench-site');
const STEPS = Number(process.env.STEPS ?? 30);

const manifest = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: load
spec:
  replicas: 1000
  selector:
    matchLabels:
      app: load
  template:
    metadata:
      labels:
        app: load
    spec:
      containers:
      - name: app
        image: k8spatterns/random-generator:1.0
`;

await rm(SITE, { recursive: true, force: true });
await mkdir(SITE, { recursive: true });
await cp(resolve(ROOT, 'dist'), resolve(SITE, 'podlab'), { recursive: true });
const server = await serve(SITE, 'podlab');
const browser = await launch({ width: 1920, height: 1080 });
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.url}/podlab/stateless?workers=100&seed=1`);
  await page.waitForSelector('.editor .apply');
  await page.fill('textarea.source', manifest);
  let t0 = Date.now();
  await page.click('.editor .apply');
  await page.waitForSelector('.scrollback >> text=replicaset.apps/load created');
  console.log(`apply: ${Date.now() - t0} ms`);

  // Run until every pod is Running: the cluster view then holds 100 columns and 1,000 cards.
  t0 = Date.now();
  await page.$eval('select[aria-label="Speed"]', (s) => { s.value = '100'; s.dispatchEvent(new Event('change', { bubbles: true })); });
  await page.click('.timeline .play');
  for (let i = 0; i < 240; i++) {
    const running = await page.$$eval('.node .pod .badge', (b) => b.filter((x) => x.textContent === 'Running').length);
    if (running >= 1000) break;
    await page.waitForTimeout(500);
  }
  await page.click('.timeline .play');
  const nodes = await page.$$eval('.node', (n) => n.length);
  const pods = await page.$$eval('.node .pod', (n) => n.length);
  console.log(`warm-up: ${Date.now() - t0} ms; ${nodes} node columns, ${pods} pod cards, clock ${await page.textContent('.timeline .clock')}`);

  // One step = the reducer steps the sim, the view models are rebuilt and Yew patches the DOM;
  // measured from the click to the next frame after the patch.
  const measure = (label) => page.$eval(`[aria-label="${label}"]`, (button) => new Promise((done) => {
    const t = performance.now();
    button.click();
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0));
  }));
  for (const label of ['Step one event', 'Step to the next change']) {
    const times = [];
    for (let i = 0; i < STEPS; i++) times.push(await measure(label));
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
    console.log(`${label}: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms over ${STEPS} steps (100 nodes, ${pods} pods)`);
  }
  if (await page.$('#crash')) console.log('the page showed its recovery view (a panic)');
} finally {
  await browser.close();
  await server.close();
}
