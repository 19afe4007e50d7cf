/**
 * Headless Chromium for the page tests: Debian's `chromium` (or `CHROMIUM_PATH`, the runner's
 * Chrome in the GitHub workflow) driven by playwright-core, which downloads no browser of its own.
 * The flags keep Chromium off the network it would call at start (this machine's network is
 * closed, and every refused connection would be noise).
 *
 * Without a browser the suites say they are skipped and why; with CI=true a missing browser is a
 * failure, so CI always runs them (`.ci/run` installs the package).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
] as const;

/** Where the suites leave screenshots (gitignored). */
export const ARTIFACTS_DIR = new URL('../../test-artifacts/', import.meta.url);

/** Null when a browser is there; otherwise why the suite is skipped. Throws under CI=true. */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env['CI'] === 'true') throw new Error(`CI=true and ${reason}: the browser suites must run in CI`);
  return reason;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS] });
}

export interface PageWatch {
  /** Console messages of type error, uncaught page errors, and CSP reports Chromium logs as errors. */
  readonly errors: string[];
  /** Requests that failed or answered 4xx/5xx, as "METHOD URL: why". */
  readonly failedRequests: string[];
}

/** Records what a person would see go wrong on the page: console errors, page errors, failed requests. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => watch.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
  page.on('response', (response) => {
    if (response.status() >= 400) watch.failedRequests.push(`${response.request().method()} ${response.url()}: ${response.status()}`);
  });
  return watch;
}

/** A full-page screenshot in test-artifacts/NAME.png; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = new URL(`${name}.png`, ARTIFACTS_DIR).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}
