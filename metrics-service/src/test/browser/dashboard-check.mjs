// Browser check of the live dashboard against a running metrics-service.
//   node dashboard-check.mjs http://127.0.0.1:8085 target/dashboard.png
// Needs Debian's chromium (/usr/bin/chromium) and npm playwright-core installed in $PW_DIR
// (e.g. PW_DIR=/tmp/pw after `npm install --prefix /tmp/pw playwright-core@1`).
import { createRequire } from 'node:module';

const require = createRequire(process.env.PW_DIR ? process.env.PW_DIR.replace(/\/?$/, '/') : import.meta.url);
const { chromium } = require('playwright-core');

const base = process.argv[2] || 'http://127.0.0.1:8085';
const shot = process.argv[3] || 'target/dashboard.png';
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
  // Inject 30 % errors with synthetic traffic into metrics-service itself and watch the alert appear.
  await page.selectOption('#fault-service', 'metrics-service');
  await page.click('#fault button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#fault-result').textContent.startsWith('fault on'), null, { timeout: 5000 });
  await page.waitForSelector('#alerts li.P1', { timeout: 40000 });
  const alert = await page.textContent('#alerts li.P1');
  const rps = await page.textContent('#services tr[data-service="metrics-service"] .rps');
  if (!(Number(rps) > 0)) fail('metrics-service shows no request rate: ' + rps);
  await page.screenshot({ path: shot, fullPage: true });
  if (external.length) fail('requests outside the service: ' + external.join(', '));
  console.log(`OK rows=${rows} alert="${alert.trim()}" metrics-service req/s=${rps} screenshot=${shot}`);
} finally {
  await browser.close();
}
