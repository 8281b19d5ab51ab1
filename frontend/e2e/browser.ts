// Shared by the browser tests (*.e2e.ts): real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; no browser download) against a
// running server at COMMONGROUND_URL.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Map as MapLibreMap } from 'maplibre-gl';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

declare global {
  interface Window {
    commonground?: { map: MapLibreMap };
  }
}

export const baseUrl = process.env.COMMONGROUND_URL ?? '';
if (!baseUrl) {
  throw new Error(
    'COMMONGROUND_URL is not set: give the base URL of a running CommonGround server, ' +
      'e.g. COMMONGROUND_URL=http://127.0.0.1:8080 npm run test:e2e',
  );
}
export const origin = new URL(baseUrl).origin;

/** Where the tests leave their screenshots (named in the README). */
export const artifacts = resolve(dirname(fileURLToPath(import.meta.url)), 'artifacts');

export const VIEWPORT = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launch(): Promise<Browser> {
  await mkdir(artifacts, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** What went wrong while a page was open; every list must stay empty on a good page. */
export interface Trouble {
  pageErrors: string[];
  consoleErrors: string[];
  failedRequests: string[];
  outsideRequests: string[];
}

export const NO_TROUBLE: Trouble = { pageErrors: [], consoleErrors: [], failedRequests: [], outsideRequests: [] };

export async function openPage(context: BrowserContext): Promise<{ page: Page; trouble: Trouble }> {
  const page = await context.newPage();
  const trouble: Trouble = { pageErrors: [], consoleErrors: [], failedRequests: [], outsideRequests: [] };
  page.on('pageerror', (err) => trouble.pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') trouble.consoleErrors.push(msg.text());
  });
  page.on('requestfailed', (req) => {
    // A request the page itself gave up on (a newer filter replaced it) is not a failure.
    const why = req.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) trouble.failedRequests.push(`${req.url()}: ${why}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) trouble.failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
  });
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) {
      trouble.outsideRequests.push(url);
    }
  });
  return { page, trouble };
}

/** Waits until the page says its map is idle (data drawn) or failed, and returns which. */
export async function settledMapState(page: Page): Promise<string | undefined> {
  await page.waitForFunction(
    () => ['idle', 'error'].includes(document.body.dataset.mapState ?? ''),
    undefined,
    { timeout: 60_000 },
  );
  return page.evaluate(() => document.body.dataset.mapState);
}

/** Resolves at the map's next `idle` (after whatever the test just did). */
export async function nextIdle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        const map = window.commonground!.map;
        // Let the change start (source reload, camera move) before waiting.
        requestAnimationFrame(() => {
          if (map.loaded() && !map.isMoving() && map.areTilesLoaded()) {
            map.once('idle', () => done());
            map.triggerRepaint();
          } else {
            map.once('idle', () => done());
          }
        });
      }),
  );
}

/**
 * Registers a test file's hooks: one Chromium for the file, a fresh context
 * (no cache, no cookies) per test, closed after it. Returns the function a
 * test calls to open its page; `prepare` runs on the context first (routes).
 */
export function browserSuite(): (
  options?: BrowserContextOptions,
  prepare?: (context: BrowserContext) => Promise<unknown>,
) => Promise<{ page: Page; trouble: Trouble; context: BrowserContext }> {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async (options = { viewport: VIEWPORT }, prepare) => {
    context = await browser!.newContext(options);
    if (prepare) await prepare(context);
    return { ...(await openPage(context)), context };
  };
}
