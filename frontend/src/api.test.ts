import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiError, activities, apiURL, exportURL, getJSON, overlapsOf, stats, tileJSONURL } from './api.ts';
import { emptyFilters } from './filters.ts';

/** Replaces fetch with one answering `res` (a copy each time, or the error thrown), and records the requests. */
function answer(res: Response | (() => never)): string[] {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    urls.push(url);
    if (typeof res === 'function') return res();
    return res.clone();
  });
  return urls;
}

function json(body: unknown, status = 200, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('API client', () => {
  it('builds URLs with the filters under their server names, leaving out empty values', () => {
    const f = { ...emptyFilters(), theme: ['resilience', 'gender'], region: ['014'] };
    expect(apiURL('/stats', { group_by: 'theme', q: '', limit: undefined })).toBe('/stats?group_by=theme');
    expect(exportURL(f, 'csv')).toBe('/collections/activities/export?theme=resilience,gender&region=014&f=csv');
    expect(tileJSONURL(f)).toBe('/tiles/countries,clusters,activities.json?theme=resilience,gender&region=014');
    expect(tileJSONURL(emptyFilters())).toBe('/tiles/countries,clusters,activities.json');
  });

  it('asks for a page of activities in a box', async () => {
    const urls = answer(json({ type: 'FeatureCollection', numberMatched: 0, numberReturned: 0, features: [] }));
    const page = await activities({ ...emptyFilters(), status: ['implementation'] }, { bbox: '30,-5,40,5', limit: 50 });
    expect(page.numberReturned).toBe(0);
    expect(urls).toEqual(['/collections/activities/items?status=implementation&bbox=30,-5,40,5&limit=50']);
  });

  it('asks for one activity’s or one member’s overlaps', async () => {
    const urls = answer(json({ numberMatched: 0, numberReturned: 0, overlaps: [] }));
    await overlapsOf('activity', 12, { ...emptyFilters(), theme: ['gender'] }, { limit: 20 });
    await overlapsOf('organisation', 3, emptyFilters());
    expect(urls).toEqual(['/activities/12/overlaps?theme=gender&limit=20', '/organisations/3/overlaps']);
  });

  it('turns a problem+json answer into an ApiError naming the parameter', async () => {
    answer(
      json(
        {
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: 'invalid query parameters',
          code: 'invalid',
          request_id: 'r-1',
          errors: [{ parameter: 'budget_min', detail: 'must be a number' }],
        },
        400,
        'application/problem+json',
      ),
    );
    const err = await stats({ ...emptyFilters(), budget_min: 'lots' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.errors).toEqual([{ parameter: 'budget_min', detail: 'must be a number' }]);
    expect(e.requestId).toBe('r-1');
    expect(e.message).toBe('invalid query parameters (budget_min: must be a number)');
  });

  it('reports an error that is not problem+json by its status', async () => {
    answer(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    const e = (await getJSON('/stats').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(502);
    expect(e.message).toBe('Bad Gateway');
  });

  it('reports a network failure as status 0, and passes an abort through', async () => {
    answer(() => {
      throw new TypeError('Failed to fetch');
    });
    const e = (await getJSON('/stats').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(0);

    answer(() => {
      throw new DOMException('The operation was aborted.', 'AbortError');
    });
    const abort = (await getJSON('/stats').catch((x: unknown) => x)) as Error;
    expect(abort.name).toBe('AbortError');
  });
});

describe('the request gate', () => {
  it('holds requests until the map has settled, and lets an abort through at once', async () => {
    const urls = answer(json({ ok: true }));
    let open: () => void = () => undefined;
    const { holdRequestsUntil } = await import('./api.ts');
    holdRequestsUntil(new Promise<void>((r) => (open = r)));
    const held = getJSON('/stats');
    const ctl = new AbortController();
    const aborted = getJSON('/search?q=ab', ctl.signal).catch((e: Error) => e.name);
    ctl.abort();
    await expect(aborted).resolves.toBe('AbortError');
    await new Promise((r) => setTimeout(r, 10));
    expect(urls).toEqual([]);
    open();
    await expect(held).resolves.toEqual({ ok: true });
    expect(urls).toEqual(['/stats']);
    holdRequestsUntil(Promise.resolve());
  });
});
