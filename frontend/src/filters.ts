/**
 * The filter the whole app shares: the map's tiles, the list, the stats, the
 * overlaps and the exports all take the same query parameters, named as the
 * server names them (README "Filters"), so a filter is one URLSearchParams
 * that can be pasted onto any of those endpoints and into the page's URL.
 */

/** Filters whose value is a list of codes or ids (comma-separated on the wire). */
export const LIST_KEYS = [
  'organisation',
  'programme',
  'constituency',
  'programme_type',
  'theme',
  'status',
  'country',
  'region',
] as const;
export type ListKey = (typeof LIST_KEYS)[number];

/** Filters whose value is one string. */
export const TEXT_KEYS = ['datetime', 'budget_min', 'budget_max', 'budget_currency', 'q'] as const;
export type TextKey = (typeof TEXT_KEYS)[number];

export type FilterKey = ListKey | TextKey;

export type Filters = { [K in ListKey]: string[] } & { [K in TextKey]: string };

export function emptyFilters(): Filters {
  return {
    organisation: [],
    programme: [],
    constituency: [],
    programme_type: [],
    theme: [],
    status: [],
    country: [],
    region: [],
    datetime: '',
    budget_min: '',
    budget_max: '',
    budget_currency: '',
    q: '',
  };
}

function isListKey(key: string): key is ListKey {
  return (LIST_KEYS as readonly string[]).includes(key);
}

/** Splits repeated and comma-separated values, trims them, drops empties and repeats. */
function listValues(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const part of v.split(',')) {
      const s = part.trim();
      if (s !== '' && !out.includes(s)) out.push(s);
    }
  }
  return out;
}

/** Reads the filter parameters of `params`, ignoring every other parameter. */
export function parseFilters(params: URLSearchParams): Filters {
  const f = emptyFilters();
  for (const key of LIST_KEYS) f[key] = listValues(params.getAll(key));
  for (const key of TEXT_KEYS) f[key] = (params.get(key) ?? '').trim();
  // A currency only means something with a range; the server defaults to USD.
  if (f.budget_min === '' && f.budget_max === '') f.budget_currency = '';
  return f;
}

/**
 * The query parameters of `f`, in a fixed order, with empty filters left out,
 * so that the same filter always gives the same URL (and the same cache key).
 */
export function filterParams(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of LIST_KEYS) {
    if (f[key].length > 0) p.set(key, f[key].join(','));
  }
  for (const key of TEXT_KEYS) {
    if (key === 'budget_currency' && f.budget_min === '' && f.budget_max === '') continue;
    if (f[key] !== '') p.set(key, f[key]);
  }
  return p;
}

/** The number of filters set (a list counts once however many values it has). */
export function activeFilterCount(f: Filters): number {
  let n = 0;
  for (const key of LIST_KEYS) if (f[key].length > 0) n++;
  if (f.datetime !== '') n++;
  if (f.budget_min !== '' || f.budget_max !== '') n++;
  if (f.q !== '') n++;
  return n;
}

export function sameFilters(a: Filters, b: Filters): boolean {
  return filterParams(a).toString() === filterParams(b).toString();
}

/** `f` with `key` cleared: the base of a facet's counts ("how many if I picked this too"). */
export function without(f: Filters, key: FilterKey): Filters {
  const g = { ...f };
  if (isListKey(key)) g[key] = [];
  else g[key] = '';
  return g;
}

/** `f` with `value` added to or removed from the list `key`. */
export function toggle(f: Filters, key: ListKey, value: string): Filters {
  const list = f[key];
  return { ...f, [key]: list.includes(value) ? list.filter((v) => v !== value) : [...list, value] };
}

/** A period as the server's `datetime` takes it: `a/b`, `a/..`, `../b`; both open is no filter. */
export function periodParam(from: string, to: string): string {
  if (from === '' && to === '') return '';
  return `${from || '..'}/${to || '..'}`;
}

/** The start and end of a `datetime` filter ('' for an open end); an instant is both. */
export function periodOf(datetime: string): { from: string; to: string } {
  if (datetime === '') return { from: '', to: '' };
  const [a, b] = datetime.includes('/') ? datetime.split('/', 2) : [datetime, datetime];
  const clean = (s: string) => (s === '..' ? '' : s.slice(0, 10));
  return { from: clean(a), to: clean(b) };
}
