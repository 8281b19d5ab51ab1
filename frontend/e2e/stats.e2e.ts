// Browser test of the Stats panel. Run against a server:
//
//   COMMONGROUND_URL=http://127.0.0.1:8080 npx vitest run --config vitest.e2e.config.ts e2e/stats.e2e.ts
//
// Screenshots are left in e2e/artifacts/ (stats.png, stats-phone.png).
import { resolve } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { artifacts, baseUrl, browserSuite, NO_TROUBLE, PHONE, settledMapState } from './browser.ts';

const CHARTS = ['region', 'theme', 'constituency', 'start_year', 'budget'];

interface ServerStats {
  total: { activity_count: number; organisation_count: number };
  groups?: { key: string; label: string; activity_count: number; budgets: { currency: string; amount: number }[] }[];
}

async function serverStats(page: Page, query: string): Promise<ServerStats> {
  const res = await page.request.get(`${baseUrl}/stats${query}`, { headers: { Accept: 'application/json' } });
  expect(res.status()).toBe(200);
  return (await res.json()) as ServerStats;
}

/** Waits until every chart says Chart.js has drawn it. */
async function chartsRendered(page: Page): Promise<void> {
  await page.waitForFunction(
    (kinds) => kinds.every((k) => document.querySelector(`[data-chart="${k}"] .chart-canvas`)?.getAttribute('data-rendered') === 'true'),
    CHARTS,
    { timeout: 30_000 },
  );
}

/** The share of a chart's canvas pixels that are not transparent. */
async function inkedPixels(page: Page, kind: string): Promise<{ width: number; height: number; inked: number }> {
  return page.evaluate((k) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${k}"] canvas`)!;
    const { width, height } = canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return { width, height, inked: n / (width * height) };
  }, kind);
}

/** The headline activity count as a number. */
async function headline(page: Page): Promise<number> {
  const text = (await page.locator('[data-testid=stats-activities]').textContent()) ?? '';
  return Number(text.replaceAll(',', ''));
}

async function headlineIs(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const view = document.querySelector('[data-testid=stats-view]');
      const text = view?.querySelector('[data-testid=stats-activities]')?.textContent ?? '';
      return Number(text.replaceAll(',', '')) === want && view?.getAttribute('aria-busy') === 'false';
    },
    n,
    { timeout: 30_000 },
  );
}

describe('stats panel', () => {
  const open = browserSuite();

  it('draws every chart from /stats and follows the filters', async () => {
    const { page, trouble } = await open();
    await page.goto(`${baseUrl}/?panel=stats`);
    expect(await settledMapState(page)).toBe('idle');

    const view = page.locator('[data-testid=stats-view]');
    await view.waitFor({ state: 'visible' });
    await chartsRendered(page);

    // Every chart is drawn: a canvas of some size with ink on it.
    for (const kind of CHARTS) {
      const px = await inkedPixels(page, kind);
      expect(px.width, kind).toBeGreaterThan(100);
      expect(px.height, kind).toBeGreaterThan(50);
      expect(px.inked, kind).toBeGreaterThan(0.01);
    }

    // The headline is the server's count; the region chart's numbers are the server's groups.
    const all = await serverStats(page, '?group_by=region');
    expect(all.total.activity_count).toBeGreaterThan(0);
    await headlineIs(page, all.total.activity_count);
    expect(await page.locator('[data-testid=stats-members]').textContent()).toBe(String(all.total.organisation_count));
    const regionTable = await page.$$eval('[data-testid=table-region] tbody tr', (rows) =>
      rows.map((r) => [r.querySelector('th')!.textContent, Number(r.querySelector('td')!.textContent)]),
    );
    expect(regionTable).toEqual((all.groups ?? []).filter((g) => g.key !== '').map((g) => [g.label, g.activity_count]));
    await expect(page.locator('.stats-budgets').textContent()).resolves.toContain('never converted');

    // The years run in order, not by count.
    const years = await page.$$eval('[data-testid=table-start_year] tbody th', (ths) => ths.map((th) => Number(th.textContent)));
    expect(years.length).toBeGreaterThan(1);
    expect(years).toEqual([...years].sort((a, b) => a - b));

    await page.screenshot({ path: resolve(artifacts, 'stats.png') });

    // The budget chart in another currency, by theme: the server's totals in that currency, largest first.
    const byTheme = await serverStats(page, '?group_by=theme');
    await page.selectOption('[data-testid=budget-currency]', 'EUR');
    await page.locator('.stats-segmented label', { hasText: 'by theme' }).click();
    await page.waitForFunction(() => document.querySelector('#chart-budget')?.textContent === 'Budgets in EUR by theme');
    await chartsRendered(page);
    const budgetTable = await page.$$eval('[data-testid=table-budget] tbody tr', (rows) =>
      rows.map((r) => [r.getAttribute('data-key'), Number(r.querySelector('td')!.textContent)]),
    );
    const eur = (byTheme.groups ?? [])
      .map((g) => [g.key, g.budgets.find((b) => b.currency === 'EUR')?.amount ?? 0] as [string, number])
      .filter(([, amount]) => amount > 0)
      .sort((a, b) => b[1] - a[1]);
    expect(budgetTable).toEqual(eur);
    expect((await inkedPixels(page, 'budget')).inked).toBeGreaterThan(0.01);

    // A theme filter set in the filters panel: the URL and the headline follow.
    const themed = await serverStats(page, '?theme=resilience');
    expect(themed.total.activity_count).toBeGreaterThan(0);
    expect(themed.total.activity_count).toBeLessThan(all.total.activity_count);
    await page.locator('input[name=theme][value=resilience]').check();
    await page.waitForURL(/[?&]theme=resilience(&|$)/);
    await headlineIs(page, themed.total.activity_count);
    await chartsRendered(page);
    expect(await headline(page)).toBe(themed.total.activity_count);
    // The charts were drawn again, not added to: one canvas each.
    expect(await page.locator('[data-testid=stats-view] canvas').count()).toBe(CHARTS.length);
    // The selected theme is still charted (its own bar, alongside the themes it shares activities with).
    expect(await page.locator('[data-testid=table-theme] tr[data-key=resilience]').count()).toBe(1);

    // Clicking a region bar adds that region to the filter.
    const firstRegion = await page.$eval('[data-testid=table-region] tbody tr', (r) => r.getAttribute('data-key'));
    const regionCanvas = page.locator('[data-chart=region] canvas');
    await regionCanvas.scrollIntoViewIfNeeded();
    const box = (await regionCanvas.boundingBox())!;
    // Bars are picked by row (anywhere across the chart area), so the first row's middle is the first bar.
    await page.mouse.click(box.x + box.width * 0.7, box.y + 12);
    await page.waitForURL(new RegExp(`[?&]region=${firstRegion}(&|$)`));
    const both = await serverStats(page, `?theme=resilience&region=${firstRegion}`);
    await headlineIs(page, both.total.activity_count);

    // Away and back: the charts are made afresh (the old ones were destroyed with the panel).
    await page.locator('#tab-activities').click();
    await page.locator('[data-testid=stats-view]').waitFor({ state: 'detached' });
    await page.locator('#tab-stats').click();
    await chartsRendered(page);
    expect(await page.locator('[data-testid=stats-view] canvas').count()).toBe(CHARTS.length);
    await headlineIs(page, both.total.activity_count);

    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('fits a phone', async () => {
    const { page, trouble } = await open({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(`${baseUrl}/?panel=stats`);
    expect(await settledMapState(page)).toBe('idle');
    await chartsRendered(page);

    const fit = await page.evaluate(() => {
      const panel = document.querySelector<HTMLElement>('#panel')!;
      const view = document.querySelector<HTMLElement>('[data-testid=stats-view]')!;
      const canvases = [...view.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect().right);
      return {
        panelWidth: panel.clientWidth,
        scrollWidth: panel.scrollWidth,
        right: panel.getBoundingClientRect().right,
        widest: Math.max(...canvases),
      };
    });
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.panelWidth);
    expect(fit.widest).toBeLessThanOrEqual(fit.right);
    for (const kind of CHARTS) expect((await inkedPixels(page, kind)).inked, kind).toBeGreaterThan(0.01);

    await page.screenshot({ path: resolve(artifacts, 'stats-phone.png') });
    expect(trouble).toEqual(NO_TROUBLE);
  });
});
