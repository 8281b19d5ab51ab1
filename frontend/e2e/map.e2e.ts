// Browser test of the map page in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser download). It needs a running server:
//
//   COMMONGROUND_URL=http://127.0.0.1:8080 npm run test:e2e
//
// The server must answer the page at /, its style at /style.json and the
// TileJSON and vector tiles the style names. A screenshot is left in
// e2e/artifacts/map.png.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Map as MapLibreMap } from 'maplibre-gl';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

declare global {
  interface Window {
    commonground?: { map: MapLibreMap };
  }
}

const baseUrl = process.env.COMMONGROUND_URL;
if (!baseUrl) {
  throw new Error(
    'COMMONGROUND_URL is not set: give the base URL of a running CommonGround server, ' +
      'e.g. COMMONGROUND_URL=http://127.0.0.1:8080 npm run test:e2e',
  );
}
const origin = new URL(baseUrl).origin;

const artifacts = resolve(dirname(fileURLToPath(import.meta.url)), 'artifacts');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// --disable-gpu leaves WebGL to the software rasterizer, so it must stay enabled
// (never pass --disable-software-rasterizer). Playwright gives every launch a
// fresh temporary user-data-dir and removes it on close.
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const VIEWPORT = { width: 1280, height: 800 };
const KENYA: [number, number] = [37.9, 0.2];

/** What went wrong while a page was open; every list must stay empty on a good page. */
interface Trouble {
  pageErrors: string[];
  consoleErrors: string[];
  failedRequests: string[];
  outsideRequests: string[];
}

async function openPage(context: BrowserContext): Promise<{ page: Page; trouble: Trouble }> {
  const page = await context.newPage();
  const trouble: Trouble = { pageErrors: [], consoleErrors: [], failedRequests: [], outsideRequests: [] };
  page.on('pageerror', (err) => trouble.pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') trouble.consoleErrors.push(msg.text());
  });
  page.on('requestfailed', (req) => trouble.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
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

/** Waits until the page says its map is idle (countries drawn) or failed, and returns which. */
async function settledMapState(page: Page): Promise<string | undefined> {
  await page.waitForFunction(
    () => ['idle', 'error'].includes(document.body.dataset.mapState ?? ''),
    undefined,
    { timeout: 60_000 },
  );
  return page.evaluate(() => document.body.dataset.mapState);
}

describe('map page', () => {
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    await mkdir(artifacts, { recursive: true });
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the whole world from the server alone and names a hovered country', async () => {
    context = await browser.newContext({ viewport: VIEWPORT });
    const { page, trouble } = await openPage(context);
    await page.goto(baseUrl);

    expect(await settledMapState(page)).toBe('idle');
    await expect(page.title()).resolves.toBe('CommonGround');
    await expect(page.locator('.badge').textContent()).resolves.toBe('Demo data');

    const view = await page.evaluate(() => {
      const map = window.commonground!.map;
      const features = map.queryRenderedFeatures({ layers: ['countries-fill'] });
      const bounds = map.getBounds();
      return {
        isoA2: [...new Set(features.map((f) => f.properties.iso_a2))],
        zoom: map.getZoom(),
        lonSpan: bounds.getEast() - bounds.getWest(),
        attribution: document.querySelector('.maplibregl-ctrl-attrib')?.textContent ?? '',
      };
    });
    expect(view.isoA2.length).toBeGreaterThan(100);
    expect(view.zoom).toBeCloseTo(1.2, 5);
    expect(view.lonSpan).toBeGreaterThanOrEqual(360);
    expect(view.attribution).toContain('Natural Earth');

    const kenya = await page.evaluate((lngLat) => {
      const map = window.commonground!.map;
      const p = map.project(lngLat);
      const box = map.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, KENYA);
    await page.mouse.move(kenya.x - 40, kenya.y - 40);
    await page.mouse.move(kenya.x, kenya.y, { steps: 4 });
    const tooltip = page.locator('#tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await tooltip.textContent()).toContain('Kenya');

    await page.screenshot({ path: resolve(artifacts, 'map.png') });
    expect(trouble).toEqual({ pageErrors: [], consoleErrors: [], failedRequests: [], outsideRequests: [] });
  });

  it('says so on the page when the map data cannot be loaded', async () => {
    context = await browser.newContext({ viewport: VIEWPORT });
    await context.route('**/tiles/*.json**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }),
      }),
    );
    const { page, trouble } = await openPage(context);
    await page.goto(baseUrl);

    expect(await settledMapState(page)).toBe('error');
    const status = page.locator('#status');
    await expect(status.isVisible()).resolves.toBe(true);
    expect(await status.textContent()).toContain('503');
    expect(trouble.pageErrors).toEqual([]);
    expect(trouble.outsideRequests).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'map-error.png') });
  });
});
