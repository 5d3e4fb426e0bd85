// Drives the dashboard's Analytics, Calls, Callbacks and Webhooks tabs in headless Chromium and reads back what
// each chart was drawn from (Chart.getChart(canvas).data), for the test to compare with the API's numbers.
// Usage: node dashboard-tabs.mjs <dashboard url> <screenshot folder> <chromium path> <from> <to> [analytics json]
// With [analytics json] (a file), the browser answers the analytics route with it: for a branch whose API has
// no analytics route yet, the test serves the contract's JSON to this page only.
// Prints one JSON line with what it saw.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [url, folder, executablePath, from, to, analyticsFile] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Errors the page shows its user (a failed API call), besides uncaught ones.
  await page.exposeFunction('reportShownError', (text) => errors.push(text));
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const box = document.getElementById('error');
      if (box && !box.hidden) window.reportShownError(box.textContent);
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['hidden'] });
  });
  if (analyticsFile) {
    const body = await readFile(analyticsFile, 'utf8');
    await page.route('**/api/tenants/*/analytics?*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
  }

  await page.goto(url);
  const chartLoaded = await page.evaluate(() => typeof window.Chart === 'function' && window.Chart.version);

  // Analytics: the default range first (the last 7 days), then the test's range.
  await page.getByRole('button', { name: 'Analytics', exact: true }).click();
  const defaultRange = await page.evaluate(() => [document.querySelector('#analytics-from').value, document.querySelector('#analytics-to').value]);
  await page.fill('#analytics-from', from);
  await page.fill('#analytics-to', to);
  await page.click('#analytics-form button[type=submit]');
  await page.waitForSelector(`#analytics-status[data-loaded="${from}/${to}"]`, { timeout: 30_000 });
  const charts = await page.evaluate(() => Object.fromEntries(['chart-outcomes', 'chart-minutes', 'chart-cost', 'chart-latency'].map((id) => {
    const data = window.Chart.getChart(document.getElementById(id)).data;
    return [id, { labels: data.labels, datasets: data.datasets.map((d) => ({ label: d.label, data: d.data })) }];
  })));
  await page.screenshot({ path: path.join(folder, 'dashboard-analytics.png'), fullPage: true });

  // Calls: newest first as the API lists them, then one call's detail.
  await page.getByRole('button', { name: 'Calls', exact: true }).click();
  await page.locator('#calls-rows tr').first().waitFor({ timeout: 30_000 });
  const calls = await page.locator('#calls-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.call));
  await page.screenshot({ path: path.join(folder, 'dashboard-calls.png'), fullPage: true });
  await page.selectOption('#calls-direction', 'outbound');
  await page.click('#calls-filters button[type=submit]');
  await page.waitForFunction(() => {
    const directions = [...document.querySelectorAll('#calls-rows tr td:nth-child(2)')].map((td) => td.textContent);
    return directions.length > 0 && directions.every((d) => d === 'outbound');
  }, null, { timeout: 30_000 });
  const outbound = await page.locator('#calls-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.call));
  await page.locator('#calls-rows tr').first().click();
  await page.locator('[data-testid=call-outcome]').waitFor({ timeout: 30_000 });
  const outcome = await page.locator('[data-testid=call-outcome]').innerText();
  await page.screenshot({ path: path.join(folder, 'dashboard-call-detail.png'), fullPage: true });

  // Callbacks and webhooks: their lists, or a plain note where this API has no such routes yet.
  await page.getByRole('button', { name: 'Callbacks', exact: true }).click();
  await page.waitForTimeout(1000);
  const callbacksMissing = await page.locator('#callbacks-missing').isVisible();
  await page.screenshot({ path: path.join(folder, 'dashboard-callbacks.png'), fullPage: true });
  await page.getByRole('button', { name: 'Webhooks', exact: true }).click();
  await page.waitForTimeout(1000);
  const webhooksMissing = await page.locator('#webhooks-missing').isVisible();
  await page.screenshot({ path: path.join(folder, 'dashboard-webhooks.png'), fullPage: true });

  console.log(JSON.stringify({ chartLoaded, defaultRange, charts, calls, outbound, outcome, callbacksMissing, webhooksMissing, errors }));
} finally {
  await browser.close();
}
