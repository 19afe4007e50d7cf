/**
 * The pages as a person sees them: a real server process over loopback and headless Chromium
 * (test/helpers/browser.ts). The HTML trust report of a 5,000-person run loads with no console
 * error and no request but its own, draws the pyramid and the unit chart with one bar per cell
 * of the domain's categories (and visible bars exactly where the run has persons), prints to
 * PDF, and leaves a screenshot in test-artifacts/. `/docs` renders one block per operation of
 * the pinned contract, from local assets only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGE_GROUPS, DISTRICTS } from '../../src/domain/categories.js';
import type { TrustReport } from '../../src/trust/report-schema.js';
import { browserSkipReason, launchBrowser, saveScreenshot, watchPage } from '../helpers/browser.js';
import { PINNED_DOCUMENT } from '../helpers/contract.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const skip = browserSkipReason();
let server: ServerProcess;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  if (skip !== null) return;
  dataDir = await mkdtemp(join(tmpdir(), 'mp-browser-'));
  [server, browser] = await Promise.all([startServerProcess({ DATA_DIR: dataDir }), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  if (skip !== null) return;
  await browser?.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** A fresh page that records every request it makes. */
async function openPage(): Promise<{ page: Page; requests: string[]; watch: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  return { page, requests, watch: watchPage(page) };
}

describe.skipIf(skip !== null)(`the HTML trust report in Chromium${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  it('loads with no error and no request but its own, and draws the pyramid and the 35 units bar by bar', async () => {
    const created = await fetch(`${server.baseUrl}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 5_000, profile: 'analysis_only', seed: 2024, scope: 'all' }),
    });
    expect(created.status).toBe(201);
    const runId = ((await created.json()) as { run_id: string }).run_id;
    const report = (await (await fetch(`${server.baseUrl}/v1/runs/${runId}/report`)).json()) as TrustReport;
    const url = `${server.baseUrl}/v1/runs/${runId}/report`;

    const { page, requests, watch } = await openPage();
    // A browser's own Accept header (text/html first) is what picks the page.
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await expect(page.title()).resolves.toBe(`Trust report — run ${runId}`);

    expect(await page.locator('#pyramid-chart rect.bar.male').count()).toBe(AGE_GROUPS.length);
    expect(await page.locator('#pyramid-chart rect.bar.female').count()).toBe(AGE_GROUPS.length);
    expect(await page.locator('#units-chart rect.bar.population').count()).toBe(DISTRICTS.length);
    expect(await page.locator('#units-chart rect.bar.attribute').count()).toBe(DISTRICTS.length);

    // Drawn, not only present: a bar has width on screen exactly where the run has persons.
    const widths = await page.locator('#pyramid-chart rect.bar').evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect().width));
    const cells = [...report.population_pyramid!.rows].reverse().flatMap((row) => ['male', 'female'].map((sex) => row.cells.find((c) => c.sex === sex)!.observed_count));
    // The chart draws the oldest group first, men then women in each row.
    expect(widths).toHaveLength(cells.length);
    widths.forEach((width, i) => expect(width > 0.5, `cell ${i}: count ${cells[i]}, width ${width}`).toBe(cells[i]! > 0));
    const unitWidths = await page.locator('#units-chart rect.bar.population').evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect().width));
    expect(unitWidths.every((width) => width > 0)).toBe(true);

    // The table fallback opens and holds a row per age group.
    await page.locator('#pyramid details summary').click();
    expect(await page.locator('#pyramid details table tbody tr').count()).toBe(AGE_GROUPS.length);

    expect(watch.errors).toEqual([]);
    expect(watch.failedRequests).toEqual([]);
    expect(requests).toEqual([url]);
    await saveScreenshot(page, 'trust-report');

    // Readable in print: a PDF, with the contents list dropped.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.close();
  });
});

describe.skipIf(skip !== null)(`/docs in Chromium${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  it('renders one operation block per operation of the pinned contract, from local assets, with no error', async () => {
    const paths = PINNED_DOCUMENT['paths'] as Record<string, Record<string, unknown>>;
    const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
    const operations = Object.values(paths).reduce((sum, item) => sum + Object.keys(item).filter((key) => methods.includes(key)).length, 0);

    const { page, requests, watch } = await openPage();
    const response = await page.goto(`${server.baseUrl}/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.locator('.info .title').innerText()).toContain('moldova-personas');

    expect(watch.errors).toEqual([]);
    expect(watch.failedRequests).toEqual([]);
    expect(requests.length).toBeGreaterThan(1);
    for (const url of requests) expect(url.startsWith(`${server.baseUrl}/`), url).toBe(true);
    await saveScreenshot(page, 'api-reference');
    await page.close();
  });
});
