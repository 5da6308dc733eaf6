// A static server that serves a site the way GitHub Pages serves a project site:
// files under /<repo>/, index.html for folders, and the repo's 404.html (status 404) for
// anything missing. Used only by the end-to-end tests; it listens on 127.0.0.1.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.yaml': 'text/yaml; charset=utf-8',
};

async function fileAt(root, urlPath) {
  const clean = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
  let path = join(root, clean);
  try {
    const s = await stat(path);
    if (s.isDirectory()) path = join(path, 'index.html');
    return { path, body: await readFile(path) };
  } catch {
    return null;
  }
}

/**
 * Serves `root` (the parent of the site folder) and resolves to { url, close }. With `gzip`,
 * bodies go out gzip -9 compressed to clients that accept it, as a CDN would send them (the
 * bytes scripts/bundle-budget.sh counts); the end-to-end tests serve them plain.
 */
export function serve(root, repo, { gzip = false } = {}) {
  const zipped = new Map();
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url, 'http://x').pathname;
    let found = await fileAt(root, urlPath);
    let status = 200;
    if (!found) {
      status = 404;
      found = urlPath.startsWith(`/${repo}/`) ? await fileAt(root, `/${repo}/404.html`) : null;
    }
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const headers = { 'content-type': TYPES[extname(found.path)] ?? 'application/octet-stream' };
    let body = found.body;
    if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      if (!zipped.has(found.path)) zipped.set(found.path, gzipSync(body, { level: 9 }));
      body = zipped.get(found.path);
      headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
    }
    res.writeHead(status, headers);
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * Copies the release build (dist/) under target/NAME/podlab/ and serves it there, as Pages
 * serves the project site. Fails clearly when dist/ was not built.
 */
export async function serveRelease(root, name) {
  const { cp, mkdir, rm } = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  await stat(resolve(root, 'dist/index.html')).catch(() => {
    throw new Error('dist/ is missing: run `trunk build --release --public-url /podlab/` first');
  });
  const site = resolve(root, 'target', name);
  await rm(site, { recursive: true, force: true });
  await mkdir(site, { recursive: true });
  await cp(resolve(root, 'dist'), resolve(site, 'podlab'), { recursive: true });
  await mkdir(resolve(root, 'target/e2e'), { recursive: true });
  return serve(site, 'podlab');
}
