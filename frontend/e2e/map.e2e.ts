// Browser test of the map page. Run against a server:
//
//   COMMONGROUND_URL=http://127.0.0.1:8080 npm run test:e2e
//
// Screenshots are left in e2e/artifacts/.
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { artifacts, baseUrl, browserSuite, NO_TROUBLE, settledMapState, VIEWPORT } from './browser.ts';

const KENYA: [number, number] = [37.9, 0.2];

describe('map page', () => {
  const open = browserSuite();

  it('draws the whole world from the server alone and names a hovered country', async () => {
    const { page, trouble } = await open();
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
    // The world fills the map's height, and most of its width (a 630 x 744 px map beside the panels).
    expect(view.zoom).toBeLessThan(1.3);
    expect(view.lonSpan).toBeGreaterThan(300);
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
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('says so on the page when the map data cannot be loaded', async () => {
    const { page, trouble } = await open({ viewport: VIEWPORT }, (context) =>
      context.route('**/tiles/*.json**', (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }),
        }),
      ),
    );
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
