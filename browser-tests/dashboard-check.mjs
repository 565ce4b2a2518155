// Browser check of the live dashboard against a running metrics-service (make run):
//   node dashboard-check.mjs [baseUrl] [screenshot]   (scripts/browser-checks.sh runs it)
// Browser: Debian chromium (never a downloaded one).
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const base = process.argv[2] || 'http://127.0.0.1:8085';
const shot = process.argv[3] || new URL('target/dashboard.png', import.meta.url).pathname;
mkdirSync(dirname(shot), { recursive: true });
const fail = (msg) => { console.error('FAIL: ' + msg); process.exit(1); };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  await page.goto(base + '/dashboard/');
  // Frames arrive over SSE at 1 Hz: three frames within 15 s.
  await page.waitForFunction(() => Number(document.body.dataset.frames || 0) >= 3, null, { timeout: 15000 });
  const rows = await page.locator('#services tbody tr').count();
  if (rows < 1) fail('no service rows');
  if ((await page.textContent('#conn')) !== 'live') fail('SSE not live');
  // Without an operator's token the switch is refused.
  await page.selectOption('#fault-service', 'metrics-service');
  await page.click('#fault button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#fault-result').textContent.startsWith('refused'), null, { timeout: 5000 });
  // Inject 30 % errors with synthetic traffic into metrics-service itself and watch the alert appear.
  const token = readFileSync(new URL('../.run/operator-token', import.meta.url), 'utf8').trim();
  await page.fill('#fault-token', token);
  await page.click('#fault button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#fault-result').textContent.startsWith('fault on'), null, { timeout: 5000 });
  // the alert of the injected fault itself, not any P1 the fleet may have at that moment
  const injected = '#alerts li.P1:has-text("metrics-service-availability")';
  await page.waitForSelector(injected, { timeout: 40000 });
  const alert = await page.textContent(injected);
  const rps = await page.textContent('#services tr[data-service="metrics-service"] .rps');
  if (!(Number(rps) > 0)) fail('metrics-service shows no request rate: ' + rps);
  await page.screenshot({ path: shot, fullPage: true });
  if (external.length) fail('requests outside the service: ' + external.join(', '));
  console.log(`OK rows=${rows} alert="${alert.trim()}" metrics-service req/s=${rps} screenshot=${shot}`);
} finally {
  await browser.close();
}
