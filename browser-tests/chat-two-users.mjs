// Two users log in to the console in two pages, open one conversation and exchange messages;
// each must see the other's message. Runs against a running fleet (make run):
//   node chat-two-users.mjs [baseUrl] [screenshotDir]   (scripts/browser-checks.sh runs it)
// Browser: Debian chromium (never a downloaded one).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.argv[2] || 'http://127.0.0.1:8080';
const outDir = process.argv[3] || new URL('target', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const run = Date.now().toString(36);
const alice = 'alice-' + run;
const bob = 'bob-' + run;
const timeout = 20000;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let failed = false;
try {
  const pageA = await (await browser.newContext()).newPage();
  const pageB = await (await browser.newContext()).newPage();
  for (const p of [pageA, pageB]) p.on('pageerror', (e) => console.error('page error:', e.message));

  async function login(page, user) {
    await page.goto(base + '/');
    await page.fill('#login-user', user);
    await page.click('#login-form button');
    await page.waitForSelector('#status.on', { timeout });
  }

  await login(pageA, alice);
  await pageA.fill('#create-members', bob);
  await pageA.click('#create-form button');
  await pageA.waitForSelector('#send-form:not([hidden])', { timeout });

  await login(pageB, bob);
  await pageB.waitForSelector('#conversations li', { timeout });
  await pageB.click('#conversations li');
  await pageB.waitForSelector('#send-form:not([hidden])', { timeout });

  const fromAlice = 'hello bob ' + run;
  await pageA.fill('#send-body', fromAlice);
  await pageA.click('#send-form button');
  await pageB.waitForSelector(`#messages li:has-text("${fromAlice}")`, { timeout });

  const fromBob = 'hi alice ' + run;
  await pageB.type('#send-body', fromBob);          // typing: alice sees the indicator
  await pageA.waitForSelector('#typing:has-text("typing")', { timeout });
  await pageB.click('#send-form button');
  await pageA.waitForSelector(`#messages li:has-text("${fromBob}")`, { timeout });
  // bob has the conversation open, so alice's message shows as read
  await pageA.waitForSelector('#messages li.mine .receipt', { timeout });

  await pageA.screenshot({ path: join(outDir, 'alice.png'), fullPage: true });
  await pageB.screenshot({ path: join(outDir, 'bob.png'), fullPage: true });
  console.log(`ok: ${alice} and ${bob} exchanged messages; screenshots in ${outDir}`);
} catch (e) {
  failed = true;
  console.error('FAILED:', e.message);
  for (const [i, ctx] of browser.contexts().entries()) {
    for (const p of ctx.pages()) await p.screenshot({ path: join(outDir, `failure-${i}.png`), fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
