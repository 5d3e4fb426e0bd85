// Drives the dashboard in headless Chromium the way a person would: open it, wait for the live connection,
// watch a call appear and talk, open its detail, find the transcript and play the recording.
// Usage: node watch-call.mjs <dashboard url> <screenshot path> <chromium path>
// Screenshots: <path> (the call's detail) and <path without .png>-live.png (the call while it talks).
// Prints READY once the page is connected, then one JSON line with what it saw.
import { chromium } from 'playwright-core';

const [url, screenshot, executablePath] = process.argv.slice(2);
const minutes = (n) => n * 60_000;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(url);
  await page.waitForSelector('#live-state.online', { timeout: 30_000 });
  console.log('READY');

  const card = page.locator('[data-testid=live-call]').first();
  await card.waitFor({ timeout: minutes(2) });
  const callSid = await card.getAttribute('data-call');
  const firstState = await card.locator('[data-testid=live-call-state]').textContent();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=live-transcript] p').length >= 2, null, { timeout: minutes(2) });
  const stateWhileTalking = await card.locator('[data-testid=live-call-state]').textContent();
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-live.png'), fullPage: true });
  await page.waitForFunction(() => document.querySelector('[data-testid=live-call-state]')?.textContent === 'finished', null, { timeout: minutes(3) });
  const liveLines = await card.locator('[data-testid=live-transcript] p').allTextContents();

  await card.getByRole('button', { name: 'Details' }).click();
  const detail = page.locator('[data-testid=call-detail]');
  await detail.locator('[data-testid=call-transcript] p').first().waitFor({ timeout: 30_000 });
  const transcript = await detail.locator('[data-testid=call-transcript] p').allTextContents();
  const summary = await detail.locator('[data-testid=call-summary]').textContent();
  await page.waitForFunction(() => {
    const audio = document.querySelector('[data-testid=call-recording]');
    return audio && audio.readyState >= 1 && audio.duration > 0;
  }, null, { timeout: 30_000 });
  const recording = await detail.locator('[data-testid=call-recording]').evaluate(async (audio) => {
    audio.muted = true;
    await audio.play();
    // Until the clock moves (a loaded machine starts the audio late), for 10 s at most.
    for (const start = Date.now(); audio.currentTime === 0 && Date.now() - start < 10_000;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    audio.pause();
    return { duration: audio.duration, played: audio.currentTime, error: audio.error?.message ?? null };
  });

  await page.screenshot({ path: screenshot, fullPage: true });

  // The other tabs, each over its own route.
  await page.getByRole('button', { name: 'Leads' }).click();
  await page.locator('#leads-rows tr').first().waitFor({ timeout: 30_000 });
  const leads = await page.locator('#leads-rows tr').allInnerTexts();
  await page.getByRole('button', { name: 'Prompts' }).click();
  await page.locator('#prompt-versions li').first().waitFor({ timeout: 30_000 });
  const promptVersions = await page.locator('#prompt-versions li').count();
  await page.locator('#prompt-preview').click();
  await page.waitForFunction(() => document.querySelector('#prompt-preview-text').textContent.includes('voice:'), null, { timeout: 30_000 });
  const preview = await page.locator('#prompt-preview-text').textContent();
  await page.getByRole('button', { name: 'WhatsApp' }).click();
  await page.locator('#wa-list li').first().waitFor({ timeout: 30_000 });
  const whatsapp = await page.locator('#wa-list li').allInnerTexts();

  console.log(JSON.stringify({ callSid, firstState, stateWhileTalking, liveLines, transcript, summary, recording, leads, promptVersions, preview, whatsapp, errors }));
} finally {
  await browser.close();
}
