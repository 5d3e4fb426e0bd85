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
const detailSample = {
  answeredBy: 'human',
  transfer: { target: '+15550009999', reason: 'wants a person', summary: 'Leak under the sink', requestedAt: '2026-03-01T09:01:00Z', outcome: 'answered', endedAt: '2026-03-01T09:03:00Z' },
  latency: {
    greetingMs: 820, p50Ms: 640, p95Ms: 910, maxMs: 1200,
    turns: [{ at: '2026-03-01T09:00:01Z', ms: 820, kind: 'greeting' }, { at: '2026-03-01T09:00:09Z', ms: 640, kind: 'turn' }, { at: '2026-03-01T09:00:20Z', ms: 1200, kind: 'turn' }],
  },
  usage: null,
  cost: {
    currency: 'USD', total: 0.1834, priceTable: '2026-01',
    lines: [{ item: 'realtime audio input', quantity: 1200, unit: 'token', unitPrice: 0.0001, amount: 0.12 }, { item: 'twilio call', quantity: 3.5, unit: 'minute', unitPrice: 0.0182, amount: 0.0634 }],
  },
  outcome: 'transferred',
  turnsToAdd: [{ sequence: 90, role: 'caller', text: 'I need a plumber', offsetMs: 1000 }, { sequence: 91, role: 'dtmf', text: 'pressed 3', offsetMs: 2000 }],
};

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

  // A call's detail: the parts the workflow's later steps record (answeredBy, transfer, latency, cost, outcome,
  // DTMF turns) are null for a call seeded straight into storage, or absent where this API predates them: the
  // page then gets a sample shaped as the API contract has them, to show it renders each part.
  let detailSampled = false;
  await page.route('**/api/tenants/*/calls/CA*', async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    if (json.latency == null) {
      detailSampled = true;
      Object.assign(json, detailSample);
      json.turns = [...json.turns, ...detailSample.turnsToAdd];
    }
    await route.fulfill({ response, json });
  });

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
  const detail = await page.evaluate(() => ({
    transfer: document.querySelector('[data-testid=call-transfer]')?.innerText ?? null,
    latencyStats: document.querySelector('[data-testid=call-latency-stats]')?.textContent ?? null,
    latencyRows: [...document.querySelectorAll('[data-testid=call-latency] tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)),
    costRows: [...document.querySelectorAll('[data-testid=call-cost] tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)),
    dtmf: [...document.querySelectorAll('[data-testid=call-transcript] p.dtmf')].map((p) => p.textContent),
  }));
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

  console.log(JSON.stringify({ chartLoaded, defaultRange, charts, calls, outbound, outcome, detailSampled, detail, callbacksMissing, webhooksMissing, errors }));
} finally {
  await browser.close();
}
