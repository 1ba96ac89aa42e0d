// Browser test of the query editor in Debian's Chromium, driven by
// playwright-core: bundles a harness page rendering the real QueryEditor
// against a fake backend whose `validate` answers as the backend specifies,
// types a query with a template variable and a syntax error, and checks the
// error is marked where the backend says. The screenshot is kept under
// test-results/ as a CI artifact. Run with `npm run test:browser`.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { bundle } from './bundle.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const RESULTS = path.resolve('test-results');
const SCREENSHOT = path.join(RESULTS, 'query-editor-error.png');
// A variable, a non-BMP character before the error (one rune, two UTF-16
// units) and an unterminated phrase: the backend reports the quote's column.
const QUERY = 'service:$service AND 🚀 message:"conn reset';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript' };

function serve(dir) {
  const server = createServer((req, res) => {
    const name = req.url === '/' ? 'index.html' : path.basename(new URL(req.url, 'http://x').pathname);
    try {
      const body = readFileSync(path.join(dir, name));
      res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'triage-browser-'));
  const site = path.join(work, 'site');
  const profile = path.join(work, 'profile');
  mkdirSync(RESULTS, { recursive: true });
  let server;
  let context;
  try {
    await bundle(site);
    writeFileSync(
      path.join(site, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><title>Triage query editor</title></head>' +
        '<body style="margin:0;background:#fff"><div id="root"></div><script src="/harness.js"></script></body></html>'
    );
    server = await serve(site);
    const url = `http://127.0.0.1:${server.address().port}/`;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 800, height: 400 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    const input = page.getByTestId('triage-query-text');
    await input.waitFor({ timeout: 30_000 });
    await input.click();
    await page.keyboard.type(QUERY);

    const mark = page.getByTestId('triage-query-error-mark');
    await mark.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: SCREENSHOT });

    assert.equal(await input.inputValue(), QUERY, 'the textarea holds the typed query');
    const quoteIndex = QUERY.indexOf('"');
    assert.equal(
      Number(await mark.getAttribute('data-offset')),
      quoteIndex,
      'the mark starts at the unterminated quote'
    );
    assert.equal(await mark.textContent(), '"', 'the mark covers the quote');
    const message = await page.getByTestId('triage-query-error').textContent();
    const column = Array.from(QUERY.slice(0, quoteIndex)).length + 1;
    assert.match(message, new RegExp(`missing closing .* \\(column ${column}\\)`), 'the message names the rune column');

    // The mark sits over the quote as the textarea draws it: measure where
    // the textarea's text puts the quote with a mirror of its layout.
    const box = await mark.boundingBox();
    const variable = await page
      .getByTestId('triage-query-highlight')
      .getByText('$service', { exact: true })
      .boundingBox();
    const area = await input.boundingBox();
    assert.ok(box && variable && area, 'the mark, the variable and the textarea are laid out');
    assert.ok(box.x > variable.x + variable.width, 'the mark is right of the variable, which is not flagged');
    assert.ok(box.x >= area.x && box.x + box.width <= area.x + area.width, 'the mark lies inside the editor');
    assert.ok(box.y >= area.y && box.y + box.height <= area.y + area.height + 2, 'the mark is on the editor line');
    const caretX = await input.evaluate((el, index) => {
      // Draw the textarea's text up to index in a span with the same style to find the quote's x.
      const style = getComputedStyle(el);
      const probe = document.createElement('div');
      for (const p of ['fontFamily', 'fontSize', 'letterSpacing', 'paddingLeft', 'whiteSpace', 'lineHeight']) {
        probe.style[p] = style[p];
      }
      probe.style.position = 'absolute';
      probe.style.left = el.getBoundingClientRect().left + 'px';
      probe.style.top = '0';
      probe.style.border = '0';
      const before = document.createElement('span');
      before.textContent = el.value.slice(0, index);
      const at = document.createElement('span');
      at.textContent = el.value.slice(index, index + 1);
      probe.append(before, at);
      document.body.append(probe);
      const x = at.getBoundingClientRect().left;
      probe.remove();
      return x;
    }, quoteIndex);
    assert.ok(
      Math.abs(caretX - box.x) < 2,
      `the mark (x=${box.x}) is drawn where the textarea shows the quote (x=${caretX})`
    );
    assert.deepEqual(pageErrors, [], 'the page raised no errors');
    console.log(
      `browser test passed: error marked at column ${column}; screenshot ${path.relative(process.cwd(), SCREENSHOT)}`
    );
  } finally {
    await context?.close();
    server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
