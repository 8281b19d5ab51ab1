// Browser tests of the app's flows against the real server and the demo data:
// filtering (map, list and URL follow), restoring a view from its URL,
// cluster zoom, the activity detail with its overlaps, search, CSV export and
// the phone layout. Screenshots go to e2e/artifacts/.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { artifacts, baseUrl, browserSuite, nextIdle, NO_TROUBLE, PHONE, settledMapState, VIEWPORT } from './browser.ts';

interface Stats {
  total: { activity_count: number };
}

async function serverJSON<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(new URL(path, baseUrl).href);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

/** The number in the list's "N match" line, once it has settled. */
async function listCount(page: Page): Promise<number> {
  const el = page.getByTestId('list-count');
  await expect.poll(async () => (await el.textContent()) ?? '', { timeout: 20_000 }).toMatch(/^[\d,]+ match$/);
  return Number((await el.textContent())!.replace(/[^\d]/g, ''));
}

/** The activity points the map draws right now, with their themes. */
async function renderedPoints(page: Page): Promise<{ id: number; themes: string[] }[]> {
  return page.evaluate(() => {
    const map = window.commonground!.map;
    const seen = new Map<number, string[]>();
    for (const f of map.queryRenderedFeatures({ layers: ['activities'] })) {
      seen.set(f.id as number, String(f.properties.themes ?? '').split(','));
    }
    return [...seen].map(([id, themes]) => ({ id, themes }));
  });
}

/** Parses CSV (RFC 4180: quoted fields may hold commas, quotes and newlines). */
function parseCSV(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('the app', () => {
  const open = browserSuite();

  it('filters the map, the list and the URL by a theme, and a reload restores the view', async () => {
    const { page, trouble } = await open();
    // Nairobi, close enough to see each activity as a point.
    await page.goto(`${baseUrl}/?map=10/-1.28/36.82`);
    expect(await settledMapState(page)).toBe('idle');
    const bbox = await page.evaluate(() => {
      const b = window.commonground!.map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(4)).join(',');
    });
    const items = (q: string) =>
      serverJSON<{ numberMatched: number }>(page, `/collections/activities/items?limit=1&bbox=${bbox}${q}`);
    const all = (await items('')).numberMatched;
    const resilience = (await items('&theme=resilience')).numberMatched;
    expect(resilience).toBeGreaterThan(0);
    expect(resilience).toBeLessThan(all);

    expect(await listCount(page)).toBe(all);
    const before = await renderedPoints(page);
    expect(before.some((p) => !p.themes.includes('resilience'))).toBe(true);

    await page.locator('input[name=theme][value=resilience]').check();
    await expect.poll(() => new URL(page.url()).searchParams.get('theme')).toBe('resilience');
    await expect.poll(() => listCount(page), { timeout: 20_000 }).toBe(resilience);
    const total = await serverJSON<Stats>(page, '/stats?theme=resilience');
    await expect.poll(() => page.getByTestId('match-count').textContent()).toBe(`${total.total.activity_count} activities match`);
    // The map now draws only activities on resilience, and fewer of them.
    await expect
      .poll(async () => {
        const after = await renderedPoints(page);
        return after.length > 0 && after.length < before.length && after.every((p) => p.themes.includes('resilience'));
      }, { timeout: 20_000 })
      .toBe(true);
    for (const card of await page.locator('[data-testid=activity-list] .card').all()) {
      expect(await card.locator('.chip').allTextContents()).toContain('Urban resilience');
    }

    // Move the map, then reload: the same filter, position and list come back.
    await page.evaluate(() => window.commonground!.map.jumpTo({ center: [36.8, -1.3], zoom: 5 }));
    await expect.poll(() => new URL(page.url()).searchParams.get('map')).toBe('5/-1.3/36.8');
    const inView = await listCount(page);
    expect(inView).toBeGreaterThan(resilience);
    const url = page.url();

    await page.reload();
    expect(await settledMapState(page)).toBe('idle');
    expect(page.url()).toBe(url);
    await expect(page.locator('input[name=theme][value=resilience]').isChecked()).resolves.toBe(true);
    const camera = await page.evaluate(() => {
      const map = window.commonground!.map;
      return { zoom: map.getZoom(), ...map.getCenter() };
    });
    expect(camera.zoom).toBeCloseTo(5, 5);
    expect(camera.lng).toBeCloseTo(36.8, 4);
    expect(camera.lat).toBeCloseTo(-1.3, 4);
    await expect.poll(() => listCount(page)).toBe(inView);
    await page.screenshot({ path: resolve(artifacts, 'filtered.png') });
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('zooms into a cluster when it is clicked', async () => {
    const { page, trouble } = await open();
    await page.goto(`${baseUrl}/?map=3/5/20`);
    expect(await settledMapState(page)).toBe('idle');
    // The biggest cluster in view, at its drawn position.
    const target = await page.evaluate(() => {
      const map = window.commonground!.map;
      const box = map.getContainer().getBoundingClientRect();
      const clusters = map
        .queryRenderedFeatures({ layers: ['clusters'] })
        .map((f) => ({ n: Number(f.properties.count), at: (f.geometry as { coordinates: [number, number] }).coordinates }))
        .map((c) => ({ ...c, px: map.project(c.at) }))
        .filter((c) => c.px.x > 40 && c.px.y > 40 && c.px.x < box.width - 60 && c.px.y < box.height - 40)
        .sort((a, b) => b.n - a.n);
      const c = clusters[0];
      return c ? { x: box.left + c.px.x, y: box.top + c.px.y, lng: c.at[0], lat: c.at[1] } : null;
    });
    expect(target).not.toBeNull();
    const zoomBefore = await page.evaluate(() => window.commonground!.map.getZoom());
    await page.mouse.click(target!.x, target!.y);
    await page.waitForFunction((z) => {
      const map = window.commonground!.map;
      return !map.isMoving() && map.getZoom() >= z + 1;
    }, zoomBefore);
    const after = await page.evaluate(() => {
      const map = window.commonground!.map;
      return { zoom: map.getZoom(), bounds: map.getBounds().toArray() };
    });
    expect(after.zoom).toBeGreaterThanOrEqual(zoomBefore + 1);
    // The cluster is still in view.
    const [[w, s], [e, n]] = after.bounds;
    expect(target!.lng).toBeGreaterThanOrEqual(w);
    expect(target!.lng).toBeLessThanOrEqual(e);
    expect(target!.lat).toBeGreaterThanOrEqual(s);
    expect(target!.lat).toBeLessThanOrEqual(n);
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('opens an activity clicked on the map, with the other members there', async () => {
    const { page, trouble } = await open();
    // The best overlaps: both sides have other members there, by definition.
    const top = await serverJSON<{ overlaps: { a: { id: number; point?: [number, number] } }[] }>(page, '/overlaps?limit=5');
    const spot = top.overlaps.find((o) => o.a.point)!.a.point!;
    await page.goto(`${baseUrl}/?map=11/${spot[1]}/${spot[0]}`);
    expect(await settledMapState(page)).toBe('idle');
    await nextIdle(page);

    // The activity drawn on top at that point is the one a click opens.
    const hit = await page.evaluate((lngLat) => {
      const map = window.commonground!.map;
      const p = map.project(lngLat);
      const box = map.getContainer().getBoundingClientRect();
      const f = map.queryRenderedFeatures(p, { layers: ['activities'] })[0];
      return { x: box.left + p.x, y: box.top + p.y, id: f?.id as number | undefined };
    }, spot);
    expect(hit.id).toBeDefined();
    const theirs = await serverJSON<{ numberMatched: number; overlaps: { a: { id: number }; b: { id: number } }[] }>(
      page,
      `/activities/${hit.id}/overlaps`,
    );

    await page.mouse.click(hit.x, hit.y);
    const detail = page.getByTestId('activity-detail');
    await detail.waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('selected')).toBe(`activity/${hit.id}`);
    const activity = await serverJSON<{ properties: { title: string } }>(page, `/collections/activities/items/${hit.id}`);
    await expect(detail.locator('h2').textContent()).resolves.toBe(activity.properties.title);
    const items = page.getByTestId('activity-overlaps').locator('.overlap');
    if (theirs.numberMatched === 0) {
      await expect.poll(() => page.getByTestId('activity-overlaps').textContent()).toContain('No other member');
    } else {
      await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(Math.min(20, theirs.overlaps.length));
      const other = (o: { a: { id: number }; b: { id: number } }) => (o.a.id === hit.id ? o.b.id : o.a.id);
      const firstTitle = await serverJSON<{ properties: { title: string } }>(
        page,
        `/collections/activities/items/${other(theirs.overlaps[0])}`,
      );
      await expect(items.first().textContent()).resolves.toContain(firstTitle.properties.title);
    }
    expect(theirs.numberMatched).toBeGreaterThan(0);
    await nextIdle(page);
    await page.screenshot({ path: resolve(artifacts, 'detail.png') });
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('shows a member’s page: where it works, its themes and who it overlaps with', async () => {
    const { page, trouble } = await open();
    // The lead of the best overlap surely overlaps with someone.
    const top = await serverJSON<{ overlaps: { a: { organisation: { id: number; name: string } } }[] }>(page, '/overlaps?limit=1');
    const org = top.overlaps[0].a.organisation;
    await page.goto(`${baseUrl}/?selected=organisation/${org.id}`);
    expect(await settledMapState(page)).toBe('idle');
    const pageEl = page.getByTestId('organisation-page');
    await pageEl.waitFor();
    await expect(pageEl.locator('h2').textContent()).resolves.toBe(org.name);

    const countries = await serverJSON<{ groups: { label: string }[] }>(page, `/stats?organisation=${org.id}&group_by=country`);
    await expect
      .poll(() => pageEl.locator('.bars').first().locator('li button').allTextContents())
      .toEqual(countries.groups.slice(0, 12).map((g) => g.label));
    const matrix = await serverJSON<{ cells: { a: number; b: number; overlaps: number }[] }>(page, '/overlaps/matrix');
    const partners = matrix.cells.filter((c) => c.a === org.id || c.b === org.id);
    expect(partners.length).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('overlap-partners').locator('li').count()).toBe(Math.min(15, partners.length));
    // Its places are ringed on the map.
    await nextIdle(page);
    const ringed = await page.evaluate(() => window.commonground!.map.queryRenderedFeatures({ layers: ['selected-ring'] }).length);
    expect(ringed).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Show its activities on the map' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('organisation')).toBe(String(org.id));
    expect(new URL(page.url()).searchParams.get('selected')).toBeNull();
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('finds a place with the search box and flies there, by keyboard', async () => {
    const { page, trouble } = await open();
    await page.goto(baseUrl);
    expect(await settledMapState(page)).toBe('idle');
    const box = page.getByRole('combobox', { name: /search/i });
    await box.fill('Nairobi');
    const first = page.locator('#search-results [role=option]').first();
    await expect.poll(() => first.textContent(), { timeout: 20_000 }).toContain('Nairobi');
    await box.press('Enter');
    await page.waitForFunction(() => {
      const map = window.commonground!.map;
      return !map.isMoving() && map.getZoom() >= 9;
    });
    const c = await page.evaluate(() => window.commonground!.map.getCenter());
    expect(c.lng).toBeCloseTo(36.82, 1);
    expect(c.lat).toBeCloseTo(-1.28, 1);
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('moves between views and closes a detail by keyboard', async () => {
    const { page, trouble } = await open();
    const first = await serverJSON<{ features: { id: number }[] }>(page, '/collections/activities/items?limit=1');
    await page.goto(`${baseUrl}/?selected=activity/${first.features[0].id}`);
    expect(await settledMapState(page)).toBe('idle');
    await page.getByTestId('activity-detail').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('activity-list').waitFor();
    expect(new URL(page.url()).searchParams.get('selected')).toBeNull();

    await page.locator('#tab-activities').focus();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('overlaps-view').waitFor();
    expect(new URL(page.url()).searchParams.get('panel')).toBe('overlaps');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('tab-overlaps');
    await page.keyboard.press('End');
    await page.getByTestId('stats-view').waitFor();
    expect(new URL(page.url()).searchParams.get('panel')).toBe('stats');
    await page.keyboard.press('Home');
    await page.getByTestId('activity-list').waitFor();
    expect(new URL(page.url()).searchParams.get('panel')).toBeNull();
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('names the bad filter of a link and offers to clear the filters', async () => {
    const { page, trouble } = await open();
    await page.goto(`${baseUrl}/?theme=resilience&budget_min=lots&map=4/0/30`);
    expect(await settledMapState(page)).toBe('error');
    const status = page.locator('#status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('budget_min');
    await expect(page.getByTestId('match-count').textContent()).resolves.toBe('Cannot count with these filters');
    await status.getByRole('button', { name: 'Clear the filters' }).click();
    expect(await settledMapState(page)).toBe('idle');
    const url = new URL(page.url());
    expect(url.searchParams.get('budget_min')).toBeNull();
    expect(url.searchParams.get('theme')).toBeNull();
    expect(url.searchParams.get('map')).toBe('4/0/30');
    // The 400s were expected; nothing else went wrong.
    expect(trouble.pageErrors).toEqual([]);
    expect(trouble.outsideRequests).toEqual([]);
    expect(trouble.failedRequests.every((r) => r.includes('budget_min=lots') && r.endsWith('HTTP 400'))).toBe(true);
  });

  it('downloads the filtered activities as CSV', async () => {
    const { page, trouble } = await open({ viewport: VIEWPORT, acceptDownloads: true });
    await page.goto(`${baseUrl}/?theme=resilience&status=implementation`);
    expect(await settledMapState(page)).toBe('idle');
    const want = await serverJSON<{ features: { id: number }[]; numberMatched: number }>(
      page,
      '/collections/activities/items?theme=resilience&status=implementation&limit=1000',
    );
    expect(want.numberMatched).toBeGreaterThan(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const rows = parseCSV(await readFile((await download.path())!, 'utf8')).filter((r) => r.length > 1);
    const header = rows[0];
    const id = header.indexOf('id');
    expect(id).toBeGreaterThanOrEqual(0);
    const ids = rows.slice(1).map((r) => Number(r[id]));
    expect(ids.sort((a, b) => a - b)).toEqual(want.features.map((f) => f.id).sort((a, b) => a - b));
    expect(trouble).toEqual(NO_TROUBLE);
  });

  it('works on a phone: map first, filters in a drawer, the list below', async () => {
    const { page, trouble } = await open({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await page.goto(baseUrl);
    expect(await settledMapState(page)).toBe('idle');
    const filters = page.locator('#filters');
    const inView = async () => {
      const b = await filters.boundingBox();
      return b !== null && b.x + b.width > 1;
    };
    await expect.poll(inView).toBe(false);
    await page.getByRole('button', { name: /^Filters/ }).click();
    await expect.poll(inView).toBe(true);
    await page.getByRole('button', { name: 'Close filters' }).click();
    await expect.poll(inView).toBe(false);
    // Nothing is wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(page.getByTestId('activity-list').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: resolve(artifacts, 'phone.png') });
    expect(trouble).toEqual(NO_TROUBLE);
  });
});
