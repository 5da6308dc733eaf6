// One lab page for a test file: the release site served as Pages serves it, a fresh browser
// profile, and the page errors collected (a test ends by asserting there were none).
import { resolve } from 'node:path';
import { serveRelease } from './server.mjs';
import { launch } from './browser.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHOTS = resolve(ROOT, 'target/e2e');

/**
 * Serves the release build under target/SITE/podlab/ and opens PATH (`/podlab/stateless`)
 * at the given size. Resolves to { server, browser, page, problems, close }.
 */
export async function openLab(site, { path = '/podlab/stateless', width = 1280, height = 720, clipboard = false } = {}) {
  const server = await serveRelease(ROOT, site);
  const browser = await launch({ width, height });
  if (clipboard) await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  if (path) {
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector('.editor .apply');
  }
  return {
    server,
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Types LINE at the console prompt and waits for the console to echo it. */
export async function typeLine(p, line) {
  await p.fill('input.console-input', line);
  await p.press('input.console-input', 'Enter');
  await p.waitForSelector(`.scrollback >> text=$ ${line}`);
}
