// Browser test of the Overlaps view (ranked, matrix, hotspots) against a
// server with the demo data. Run against a server:
//
//   COMMONGROUND_URL=http://127.0.0.1:8080 npx vitest run --config vitest.e2e.config.ts e2e/overlaps.e2e.ts
//
// Screenshots are left in e2e/artifacts/ (overlaps.png, overlaps-matrix.png).
import { resolve } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { artifacts, baseUrl, browserSuite, NO_TROUBLE, PHONE, settledMapState, VIEWPORT } from './browser.ts';

interface Side {
  id: number;
  title: string;
  status: string;
  start_date: string | null;
  end_date: string | null;
  organisation: { id: number; name: string };
  point?: [number, number];
}
interface Overlap {
  a: Side;
  b: Side;
  score: number;
  place_tier: string;
  reason: string;
  themes: string[];
}

async function api<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`${baseUrl}${path}`, { headers: { Accept: 'application/json' } });
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

/** The overlap features the map draws in the view now (after the data has been set and drawn). */
async function drawnOverlaps(page: Page): Promise<{ a?: number; b?: number; reason: string }[]> {
  await page.waitForFunction(
    () => window.commonground!.map.queryRenderedFeatures({ layers: ['overlap-lines', 'overlap-points'] }).length > 0,
    undefined,
    { timeout: 20_000 },
  );
  return page.evaluate(() =>
    window.commonground!.map
      .queryRenderedFeatures({ layers: ['overlap-lines', 'overlap-points'] })
      .map((f) => ({ a: f.properties.a as number | undefined, b: f.properties.b as number | undefined, reason: String(f.properties.reason) })),
  );
}

/** True when one period lies inside the other (the demo's planted pairs: b's period inside a's). */
function nested(x: Side, y: Side): boolean {
  const inside = (o: Side, i: Side) => !!(o.start_date && o.end_date && i.start_date && i.end_date && o.start_date < i.start_date && i.end_date < o.end_date);
  return inside(x, y) || inside(y, x);
}

/** The matrix is wider than its box and scrolls there; neither the panel nor the page does. */
async function expectMatrixScrollsInItsBox(page: Page): Promise<void> {
  const scroll = await page.evaluate(() => {
    const box = document.querySelector('.ov-matrix-box')!;
    const panel = document.getElementById('panel')!;
    return {
      box: box.scrollWidth > box.clientWidth,
      panel: panel.scrollWidth <= panel.clientWidth,
      page: document.documentElement.scrollWidth <= window.innerWidth,
    };
  });
  expect(scroll).toEqual({ box: true, panel: true, page: true });
}

describe('overlaps view', () => {
  const open = browserSuite();

  it('ranks a planted overlap first, draws the page on the map, and keeps the matrix tab in the URL', async () => {
    const { page, trouble } = await open();
    await page.goto(`${baseUrl}/?panel=overlaps`);
    expect(await settledMapState(page)).toBe('idle');

    const view = page.locator('[data-testid="overlaps-view"]');
    await view.waitFor();
    const items = page.locator('[data-testid="overlap"]');
    await items.first().waitFor({ timeout: 20_000 });

    // The server's ranking, as the page asked for it (the first page of 50, no minimum).
    const server = await api<{ numberMatched: number; overlaps: Overlap[] }>(page, '/overlaps?limit=50');
    expect(server.numberMatched).toBeGreaterThanOrEqual(48); // the demo plants 48
    await expect(items.count()).resolves.toBe(Math.min(50, server.numberMatched));
    const count = (await page.locator('[data-testid="overlap-count"]').textContent()) ?? '';
    expect(count.replace(/,/g, '')).toContain(`${server.numberMatched} overlaps`);

    // The first item is the server's best pair, and that pair is one the demo
    // planted (geo/demo twin()): the same two or three themes on both
    // activities, all shared, one period inside the other, both under way, in
    // one place. No pair found by chance looks like that.
    const top = server.overlaps[0];
    const first = items.first();
    await expect(first.getAttribute('data-a')).resolves.toBe(String(top.a.id));
    await expect(first.getAttribute('data-b')).resolves.toBe(String(top.b.id));
    type Act = { properties: { themes: string[]; status: string; demo?: boolean } };
    const [actA, actB] = await Promise.all([
      api<Act>(page, `/collections/activities/items/${top.a.id}`),
      api<Act>(page, `/collections/activities/items/${top.b.id}`),
    ]);
    const themesA = [...actA.properties.themes].sort();
    expect(themesA.length).toBeGreaterThanOrEqual(2);
    expect([...actB.properties.themes].sort()).toEqual(themesA);
    expect([...top.themes].sort()).toEqual(themesA);
    expect(nested(top.a, top.b)).toBe(true);
    expect([actA.properties.status, actB.properties.status]).toEqual(['implementation', 'implementation']);
    expect(top.place_tier).toBe('near');
    expect(top.a.organisation.id).not.toBe(top.b.organisation.id);

    // It shows the score, both activities and leads, the reason and the place.
    const text = (await first.textContent()) ?? '';
    expect(text).toContain(top.reason);
    for (const s of [top.a, top.b]) {
      expect(text).toContain(s.title);
      expect(text).toContain(s.organisation.name);
    }
    await expect(first.locator('.ov-score').textContent()).resolves.toContain(String(Math.round(top.score)));

    // The page's overlaps are drawn on the map, the first pair among them.
    const drawn = await drawnOverlaps(page);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.some((f) => f.a === top.a.id && f.b === top.b.id)).toBe(true);

    // Hovering an item rings its two points.
    await first.hover();
    await page.waitForFunction(() => window.commonground!.map.queryRenderedFeatures({ layers: ['hover-ring'] }).length > 0, undefined, {
      timeout: 10_000,
    });

    // "Show on map" flies to both; then the lines are there to see.
    // (The pair furthest apart on the page, so that its line shows in the screenshot.)
    const apart = (o: Overlap) =>
      o.a.point && o.b.point ? Math.hypot(o.a.point[0] - o.b.point[0], o.a.point[1] - o.b.point[1]) : 0;
    const withLine = server.overlaps.reduce((best, o, i) => (apart(o) > 0 && (best < 0 || apart(o) > apart(server.overlaps[best])) ? i : best), -1);
    const target = withLine >= 0 ? withLine : 0;
    const targetItem = items.nth(target);
    await targetItem.scrollIntoViewIfNeeded();
    await targetItem.hover();
    const moved = page.evaluate(() => new Promise<void>((done) => window.commonground!.map.once('moveend', () => done())));
    await targetItem.locator('button', { hasText: 'Show on map' }).click();
    await moved;
    const inView = await page.evaluate(
      (pts) => {
        const b = window.commonground!.map.getBounds();
        return pts.every((p) => b.contains(p as [number, number]));
      },
      [server.overlaps[target].a.point, server.overlaps[target].b.point].filter(Boolean),
    );
    expect(inView).toBe(true);
    if (withLine >= 0) {
      await page.waitForFunction(() => window.commonground!.map.queryRenderedFeatures({ layers: ['overlap-lines'] }).length > 0, undefined, {
        timeout: 20_000,
      });
    }
    await page.screenshot({ path: resolve(artifacts, 'overlaps.png') });

    // Matrix: by keyboard from the Ranked tab; the URL keeps it.
    await page.locator('#ov-tab-ranked').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('ov-tab-matrix');
    const table = page.locator('[data-testid="overlap-matrix"]');
    await table.waitFor({ timeout: 20_000 });
    const url = new URL(page.url());
    expect(url.searchParams.get('panel')).toBe('overlaps');
    expect(url.searchParams.get('overlaps')).toBe('matrix');

    const matrix = await api<{ overlaps: number; cells: { a: number; b: number; overlaps: number }[] }>(page, '/overlaps/matrix');
    const cells = await table.evaluate((t) =>
      [...t.querySelectorAll('td[data-count]')].map((td) => ({
        a: Number(td.getAttribute('data-a')),
        b: Number(td.getAttribute('data-b')),
        n: Number(td.getAttribute('data-count')),
        text: td.textContent?.trim() ?? '',
      })),
    );
    // Each pair appears twice (once in each member's row): counted once, the total is the server's.
    const once = cells.filter((c) => c.a < c.b);
    expect(once.reduce((s, c) => s + c.n, 0)).toBe(matrix.overlaps);
    expect(cells.reduce((s, c) => s + c.n, 0)).toBe(2 * matrix.overlaps);
    expect(cells.every((c) => c.text === String(c.n))).toBe(true);
    const members = new Set(matrix.cells.flatMap((c) => [c.a, c.b]));
    await expect(table.locator('tbody tr').count()).resolves.toBe(members.size);

    // The matrix scrolls inside its own box, not the page.
    await expectMatrixScrollsInItsBox(page);

    // A cell lists that pair's overlaps below the table and draws them.
    const biggest = [...matrix.cells].sort((x, y) => y.overlaps - x.overlaps)[0];
    await table.locator(`td[data-a="${biggest.a}"][data-b="${biggest.b}"] button`).click();
    const pair = page.locator('[data-testid="overlap-pair"]');
    await pair.locator('[data-testid="overlap"]').first().waitFor({ timeout: 20_000 });
    await expect(pair.locator('[data-testid="overlap"]').count()).resolves.toBe(biggest.overlaps);
    await drawnOverlaps(page);
    await page.locator('[data-testid="overlap-pair"] h3').scrollIntoViewIfNeeded();
    await page.locator('#panel').evaluate((p) => (p.scrollTop = 0));
    await page.screenshot({ path: resolve(artifacts, 'overlaps-matrix.png') });

    // Reloading restores the matrix tab.
    await page.reload();
    expect(await settledMapState(page)).toBe('idle');
    await table.waitFor({ timeout: 20_000 });
    await expect(page.locator('#ov-tab-matrix').getAttribute('aria-selected')).resolves.toBe('true');

    // Hotspots: the server's list, in its order, drawn as points.
    await page.locator('#ov-tab-hotspots').click();
    const spots = await api<{ numberMatched: number; hotspots: { place: string; member_count: number; theme_name: string }[] }>(page, '/overlaps/hotspots?limit=100');
    expect(spots.hotspots.length).toBeGreaterThan(0);
    const hs = page.locator('[data-testid="hotspot"]');
    await hs.first().waitFor({ timeout: 20_000 });
    await expect(hs.count()).resolves.toBe(spots.hotspots.length);
    const places = await hs.locator('.ov-hs-place').allTextContents();
    expect(places).toEqual(spots.hotspots.map((h) => h.place));
    expect(new URL(page.url()).searchParams.get('overlaps')).toBe('hotspots');
    // Drawn as points; clicking a place flies there, where its point says what it is.
    await drawnOverlaps(page);
    const h0 = spots.hotspots[0];
    const flown = page.evaluate(() => new Promise<void>((done) => window.commonground!.map.once('moveend', () => done())));
    await hs.first().locator('.ov-hs-place').click();
    await flown;
    const reason = `${h0.member_count} members on ${h0.theme_name.toLowerCase()} in ${h0.place}`;
    await page.waitForFunction(
      (want) =>
        window.commonground!.map
          .queryRenderedFeatures({ layers: ['overlap-points'] })
          .some((f) => f.properties.reason === want),
      reason,
      { timeout: 20_000 },
    );

    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('fits a phone: the matrix scrolls in its own box in the bottom sheet', async () => {
    const { page, trouble } = await open({ viewport: PHONE, isMobile: true, hasTouch: true });
    await page.goto(`${baseUrl}/?panel=overlaps&overlaps=matrix`);
    expect(await settledMapState(page)).toBe('idle');
    await page.locator('[data-testid="overlap-matrix"]').waitFor({ timeout: 20_000 });
    await expectMatrixScrollsInItsBox(page);
    await page.screenshot({ path: resolve(artifacts, 'overlaps-phone.png') });
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('narrows the ranking with the minimum score slider', async () => {
    const { page, trouble } = await open();
    await page.goto(`${baseUrl}/?panel=overlaps`);
    await page.locator('[data-testid="overlap"]').first().waitFor({ timeout: 20_000 });
    const best = await api<{ numberMatched: number }>(page, '/overlaps?min_score=95&limit=1');
    const slider = page.locator('input[aria-label="Minimum overlap score"]');
    await slider.focus();
    await page.keyboard.press('End'); // 100
    await page.keyboard.press('ArrowLeft'); // 95
    await expect(page.locator('[data-testid="min-score"]').textContent()).resolves.toBe('95');
    await page.waitForFunction(
      (n) => (document.querySelector('[data-testid="overlap-count"]')?.textContent ?? '').replace(/,/g, '').startsWith(`${n} overlap`),
      best.numberMatched,
      { timeout: 20_000 },
    );
    const scores = await page.locator('[data-testid="overlap"] .ov-score').allTextContents();
    expect(scores.length).toBe(Math.min(50, best.numberMatched));
    expect(scores.every((t) => Number(t.replace(/\D/g, '')) >= 95)).toBe(true);
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('says so when no overlap matches the filters', async () => {
    const { page, trouble } = await open();
    await page.goto(`${baseUrl}/?panel=overlaps&q=qqzzxxnothing`);
    const empty = page.locator('[data-testid="overlaps-view"] .state.empty');
    await empty.waitFor({ timeout: 20_000 });
    expect(await empty.textContent()).toContain('No overlaps under these filters — try a wider area or fewer filters');
    await page.locator('#ov-tab-hotspots').click();
    await page.locator('[data-testid="overlaps-view"] .state.empty').waitFor({ timeout: 20_000 });
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('names what went wrong when the server refuses', async () => {
    const { page, trouble } = await open({ viewport: VIEWPORT }, (context) =>
      context.route('**/overlaps?**', (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the overlap index is being rebuilt' }),
        }),
      ),
    );
    await page.goto(`${baseUrl}/?panel=overlaps`);
    const alert = page.locator('[data-testid="overlaps-view"] [role="alert"]');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('the overlap index is being rebuilt');
    expect(trouble.pageErrors).toEqual([]);
    expect(trouble.outsideRequests).toEqual([]);
  });
});
