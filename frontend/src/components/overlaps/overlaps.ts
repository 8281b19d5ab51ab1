/**
 * What the Overlaps tabs show, without Preact or the page: the tab order,
 * the words for an overlap's place and score, the features the map draws,
 * the member x member matrix and its heatmap scale, the overlaps of one
 * pair of members, and hotspots as map points.
 */
import { overlapsOf, type Hotspot, type Overlap, type OverlapMatrix } from '../../api.ts';
import { HEAT_RAMP, hexRGB, INK, WHITE } from '../../colours.ts';
import type { Filters } from '../../filters.ts';
import { OVERLAP_TABS, type OverlapTab } from '../../urlstate.ts';

/** Ranked overlaps per page ("Show more" adds another). */
export const PAGE = 50;
/** The largest page /organisations/{id}/overlaps is asked for when a matrix cell is opened. */
const PAIR_PAGE = 200;
const PAIR_MAX_PAGES = 5;
/** Hotspots asked for (the list says when there are more). */
export const HOTSPOT_LIMIT = 100;

export const TAB_NAMES: Record<OverlapTab, string> = { ranked: 'Ranked', matrix: 'Matrix', hotspots: 'Hotspots' };

/** What an empty tab says (each adds its own ending). */
export const NO_OVERLAPS = 'No overlaps under these filters — try a wider area or fewer filters';

/** The tab a key moves to from `tab` (wrapping), or undefined for any other key. */
export function tabAfter(tab: OverlapTab, key: string): OverlapTab | undefined {
  const i = OVERLAP_TABS.indexOf(tab);
  const n = OVERLAP_TABS.length;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return OVERLAP_TABS[(i + 1) % n];
    case 'ArrowLeft':
    case 'ArrowUp':
      return OVERLAP_TABS[(i - 1 + n) % n];
    case 'Home':
      return OVERLAP_TABS[0];
    case 'End':
      return OVERLAP_TABS[n - 1];
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- ranked

/** The two locations of an overlap (one when they coincide). */
export function overlapPoints(o: Overlap): [number, number][] {
  const pts: [number, number][] = [];
  for (const p of [o.a.point, o.b.point]) {
    if (p && !pts.some((q) => q[0] === p[0] && q[1] === p[1])) pts.push(p);
  }
  return pts;
}

/** Where the two meet, in words: "Same place: Nairobi", "3 km apart, near Nairobi", "Both country-wide in Kenya". */
export function placeText(o: Overlap, countryName: (code: string) => string = (c) => c): string {
  const country = o.country ? countryName(o.country) : '';
  switch (o.place_tier) {
    case 'near':
      if (o.same_place || o.distance_km === null || o.distance_km < 0.05) return `Same place · ${o.place}`;
      return `${formatKm(o.distance_km)} apart · near ${o.place}`;
    case 'in_country':
      return `Same country · one country-wide, one in ${o.place && o.place !== country ? o.place : country}`;
    case 'same_country':
      return `Same country · both country-wide in ${country || o.place}`;
    default:
      return o.place;
  }
}

/** "0.4 km", "3 km", "12 km". */
export function formatKm(km: number): string {
  return km < 1 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`;
}

/** The score band (for the badge's shade): high from 80, medium from 60. */
export function scoreBand(score: number): 'high' | 'medium' | 'low' {
  return score >= 80 ? 'high' : score >= 60 ? 'medium' : 'low';
}

/** Overlaps as map features: the line between the two locations, or the point where they meet. */
export function overlapFeatures(list: Overlap[]): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  for (const o of list) {
    const a = o.a.point;
    const b = o.b.point;
    if (!a && !b) continue;
    const geometry: GeoJSON.Geometry =
      a && b && (a[0] !== b[0] || a[1] !== b[1])
        ? { type: 'LineString', coordinates: [a, b] }
        : { type: 'Point', coordinates: (a ?? b)! };
    features.push({ type: 'Feature', geometry, properties: { score: o.score, reason: o.reason, a: o.a.id, b: o.b.id } });
  }
  return { type: 'FeatureCollection', features };
}

// ---------------------------------------------------------------- matrix

export interface MatrixMember {
  id: number;
  name: string;
  constituency: string;
  total: number;
}

export interface MatrixModel {
  /** Members that appear in a cell, most overlaps first (then by name). */
  members: MatrixMember[];
  /** Overlaps of each unordered pair, by pairKey. */
  counts: Map<string, number>;
  /** The largest cell. */
  max: number;
  /** The sum of the cells: every overlap once. */
  total: number;
}

export function pairKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** The heatmap's rows and columns from the server's matrix. */
export function matrixModel(m: OverlapMatrix): MatrixModel {
  const byId = new Map(m.organisations.map((o) => [o.id, o]));
  const totals = new Map<number, number>();
  const counts = new Map<string, number>();
  let max = 0;
  let total = 0;
  for (const c of m.cells) {
    if (c.overlaps <= 0 || c.a === c.b) continue;
    const k = pairKey(c.a, c.b);
    const n = (counts.get(k) ?? 0) + c.overlaps;
    counts.set(k, n);
    max = Math.max(max, n);
    total += c.overlaps;
    totals.set(c.a, (totals.get(c.a) ?? 0) + c.overlaps);
    totals.set(c.b, (totals.get(c.b) ?? 0) + c.overlaps);
  }
  const members: MatrixMember[] = [...totals].map(([id, t]) => {
    const o = byId.get(id);
    return { id, name: o?.name ?? `Member ${id}`, constituency: o?.constituency ?? '', total: t };
  });
  members.sort((x, y) => y.total - x.total || x.name.localeCompare(y.name));
  return { members, counts, max, total };
}

const SMALL_WORDS = new Set(['of', 'for', 'and', 'the', 'de', 'des', 'del', 'la', 'le', 'du', 'für', 'e', 'y', 'et', '&']);

/** A short name for a column head: the name itself when short, else its initials ("Concord Development Bank for Cities" -> "CDBC"). */
export function abbreviate(name: string, max = 16): string {
  const clean = name.replace(/\s*\((demo|test)\)\s*$/i, '').trim();
  if (clean.length <= max) return clean;
  const words = clean.split(/[\s,–-]+/).filter((w) => w !== '' && !SMALL_WORDS.has(w.toLowerCase()));
  const initials = words.map((w) => w.charAt(0).toUpperCase()).join('');
  return initials.length >= 2 ? initials.slice(0, 6) : clean.slice(0, max - 1) + '…';
}

/**
 * A cell's colours for `count` overlaps when the largest cell has `max`: a
 * log scale from the lightest shade of HEAT_RAMP (1) to the darkest (max),
 * with white text on the dark half.
 */
export function heatColour(count: number, max: number): { background: string; color: string } {
  const t = count <= 1 || max <= 1 ? 0 : Math.min(1, Math.log(count) / Math.log(max));
  const x = t * (HEAT_RAMP.length - 1);
  const i = Math.min(HEAT_RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const [r0, g0, b0] = hexRGB(HEAT_RAMP[i]);
  const [r1, g1, b1] = hexRGB(HEAT_RAMP[i + 1]);
  const mix = (p: number, q: number) => Math.round(p + (q - p) * f);
  const hex = [mix(r0, r1), mix(g0, g1), mix(b0, b1)].map((v) => v.toString(16).padStart(2, '0')).join('');
  return { background: `#${hex}`, color: t > 0.5 ? WHITE : INK };
}

/** A few counts for the ramp's legend: 1, the largest, and steps between on the same log scale. */
export function rampSteps(max: number): number[] {
  if (max <= 1) return [1];
  const steps = new Set<number>([1]);
  for (const t of [0.25, 0.5, 0.75]) steps.add(Math.max(1, Math.round(Math.exp(t * Math.log(max)))));
  steps.add(max);
  return [...steps].sort((a, b) => a - b);
}

/**
 * The overlaps of one pair of members: those of the member with fewer
 * overlaps, from /organisations/{id}/overlaps, whose other side the other
 * member leads (the `organisation` filter would mean "taking part", not
 * "leading").
 */
export async function pairOverlaps(
  a: MatrixMember,
  b: MatrixMember,
  expected: number,
  filters: Filters,
  signal?: AbortSignal,
): Promise<{ overlaps: Overlap[]; complete: boolean }> {
  const [from, other] = a.total <= b.total ? [a, b] : [b, a];
  const found: Overlap[] = [];
  for (let page = 0; page < PAIR_MAX_PAGES; page++) {
    const p = await overlapsOf('organisation', from.id, filters, { limit: PAIR_PAGE, offset: page * PAIR_PAGE }, signal);
    for (const o of p.overlaps) if (o.a.organisation.id === other.id || o.b.organisation.id === other.id) found.push(o);
    if (found.length >= expected || (page + 1) * PAIR_PAGE >= p.numberMatched) return { overlaps: found, complete: true };
  }
  return { overlaps: found, complete: found.length >= expected };
}

// ---------------------------------------------------------------- hotspots

/** The score a hotspot is drawn with in the overlap layers (its radius): more members, bigger. */
export function hotspotScore(h: Pick<Hotspot, 'member_count'>): number {
  return Math.min(100, 40 + h.member_count * 15);
}

/** "4 members on urban planning in Dhaka". */
export function hotspotReason(h: Pick<Hotspot, 'member_count' | 'theme_name' | 'theme' | 'place'>): string {
  const theme = (h.theme_name || h.theme).toLowerCase();
  return `${h.member_count} members on ${theme} in ${h.place}`;
}

/** Hotspots as points the map's overlap layers draw (radius by `score`, tooltip `reason`). */
export function hotspotFeatures(list: Hotspot[]): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: list
      .filter((h) => Array.isArray(h.point))
      .map((h) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: h.point },
        properties: { score: hotspotScore(h), reason: hotspotReason(h), place: h.place, theme: h.theme },
      })),
  };
}
