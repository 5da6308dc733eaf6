// Benchmark (not a test): time to interactive as a user on a modest laptop and line feels it.
// Needs the release site in dist/ (trunk build --release --public-url /podlab/).
// Run: node scripts/bench-tti.mjs   (LOADS=5 by default; GZIP=0 serves the files uncompressed)
//
// Each load opens /podlab/stateless from the local server (tests/e2e/server.mjs, serving the
// files gzip -9 compressed, as a CDN sends them and as scripts/bundle-budget.sh counts them) in
// headless Debian Chromium with a fresh browser profile, so nothing is cached (no HTTP cache, no
// compiled-wasm cache, no autosaved work), and, through the DevTools protocol, with
//   - Network.emulateNetworkConditions: 10 Mbit/s down and up, 40 ms latency per request;
//   - Emulation.setCPUThrottlingRate: 4x CPU slowdown.
//
// Time to interactive (TTI) is measured on the page's own clock, from navigation start
// (performance.timeOrigin) until the first click on Apply has had its effect: the script waits
// for the Apply button, clicks it at once as a user would (a real mouse click through the input
// pipeline, Playwright's click), and TTI is the moment the console shows the apply's output
// ("replicaset.apps/random-generator created"), seen by a MutationObserver installed before
// any of the page's scripts run. It therefore includes downloading, compiling and starting the
// wasm, the first render, and handling that one click. Two parts are reported beside it: when
// the Apply button first appeared (first render of the app) and when the click reached the page.
// The result is the median over the loads.
import { cp, mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { serve } from '../tests/e2e/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const SITE = resolve(ROOT, 'target/bench-tti-site');
const LOADS = Number(process.env.LOADS ?? 5);
const GZIP = process.env.GZIP !== '0';
const EFFECT = 'replicaset.apps/random-generator created';

// Runs in the page before its own scripts: timestamps (ms since navigation start) of the Apply
// button's first appearance, the click's arrival, and the apply's output in the console.
const probe = (effect) => {
  const marks = {};
  window.__tti = marks;
  addEventListener('click', () => { marks.click ??= performance.now(); }, { capture: true });
  const look = () => {
    if (marks.button === undefined && document.querySelector('.editor .apply')) marks.button = performance.now();
    const out = document.querySelector('.scrollback');
    if (marks.effect === undefined && out && out.textContent.includes(effect)) {
      marks.effect = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(look);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
};

async function oneLoad(url) {
  const browser = await launch({ width: 1280, height: 720 });
  try {
    const page = await browser.context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(probe, EFFECT);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: 10e6 / 8,
      uploadThroughput: 10e6 / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });

    await page.goto(url, { waitUntil: 'commit' });
    await page.click('.editor .apply', { timeout: 120_000 });
    await page.waitForFunction(() => window.__tti.effect !== undefined, null, { timeout: 60_000, polling: 50 });
    const marks = await page.evaluate(() => window.__tti);
    if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`);
    return { ...marks, bytes };
  } finally {
    await browser.close();
  }
}

await rm(SITE, { recursive: true, force: true });
await mkdir(SITE, { recursive: true });
await cp(resolve(ROOT, 'dist'), resolve(SITE, 'podlab'), { recursive: true });
const server = await serve(SITE, 'podlab', { gzip: GZIP });
try {
  const url = `${server.url}/podlab/stateless`;
  const runs = [];
  for (let i = 0; i < LOADS; i++) {
    const r = await oneLoad(url);
    runs.push(r);
    console.log(`load ${i + 1}: TTI ${r.effect.toFixed(0)} ms (Apply shown at ${r.button.toFixed(0)} ms, clicked at ${r.click.toFixed(0)} ms), ${r.bytes} B over the network`);
  }
  const median = (key) => {
    const xs = runs.map((r) => r[key]).sort((a, b) => a - b);
    const m = xs.length >> 1;
    return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
  };
  console.log(`time to interactive: median ${median('effect').toFixed(0)} ms over ${LOADS} loads ` +
    `(Apply shown ${median('button').toFixed(0)} ms, clicked ${median('click').toFixed(0)} ms); ` +
    `10 Mbit/s, 40 ms latency, 4x CPU slowdown, ${GZIP ? 'gzip' : 'uncompressed'}, ${median('bytes')} B transferred`);
} finally {
  await server.close();
}
