/**
 * The Overlaps view: where two members work on the same theme, in the same
 * place, at the same time (README "Overlaps"). Three sub-tabs, kept in the
 * URL as `overlaps=`: the ranked pairs with their reasons, drawn on the map;
 * the member x member matrix as a heatmap; and hotspots, places where three
 * or more members meet on one theme. All three follow the shared filters.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

import {
  apiURL,
  getJSON,
  hotspots,
  overlapMatrix,
  overlaps,
  overlapsOf,
  type FeatureCollection,
  type Hotspot,
  type Organisation,
  type Overlap,
  type OverlapMatrix,
  type OverlapSide,
} from '../api.ts';
import { matchPairs } from '../colours.ts';
import { filterParams, type Filters } from '../filters.ts';
import { formatCount, formatDate, plural } from '../format.ts';
import { useMap } from '../mapcontext.ts';
import type { MapView } from '../mapview.ts';
import { OVERLAP_TABS, type OverlapTab, type ViewState } from '../urlstate.ts';
import { update } from '../viewstore.ts';
import { label, useVocab } from '../vocab.ts';
import { overlapFeatures } from './ActivityDetail.tsx';
import { Empty, ErrorNote, Loading, useAsync } from './common.tsx';
import './overlaps.css';

/** Ranked overlaps per page ("Show more" adds another). */
export const PAGE = 50;
/** The largest page /organisations/{id}/overlaps is asked for when a matrix cell is opened. */
const PAIR_PAGE = 200;
const PAIR_MAX_PAGES = 5;

const TAB_NAMES: Record<OverlapTab, string> = { ranked: 'Ranked', matrix: 'Matrix', hotspots: 'Hotspots' };

const NO_OVERLAPS = 'No overlaps under these filters — try a wider area or fewer filters';

export function OverlapsView({ view }: { view: ViewState }) {
  useVocab(); // country and theme labels
  const tab = view.overlapTab;
  return (
    <div class="ov" data-testid="overlaps-view">
      <div class="ov-head">
        <h2>Overlaps</h2>
        <p class="muted">Two members working on the same theme, in the same place, at the same time.</p>
        <OverlapTabs tab={tab} />
      </div>
      <div role="tabpanel" id={`ov-panel-${tab}`} aria-labelledby={`ov-tab-${tab}`} class="ov-body">
        {tab === 'matrix' ? (
          <MatrixTab filters={view.filters} />
        ) : tab === 'hotspots' ? (
          <HotspotsTab filters={view.filters} />
        ) : (
          <RankedTab filters={view.filters} />
        )}
      </div>
    </div>
  );
}

/** Ranked | Matrix | Hotspots: a tab list (arrow keys, Home and End move between tabs). */
function OverlapTabs({ tab }: { tab: OverlapTab }) {
  const choose = (t: OverlapTab, focus: boolean) => {
    if (t !== tab) update({ overlapTab: t });
    if (focus) document.getElementById(`ov-tab-${t}`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const next = tabAfter(tab, e.key);
    if (next) {
      e.preventDefault();
      choose(next, true);
    }
  };
  return (
    <div class="ov-tabs" role="tablist" aria-label="Overlaps views" onKeyDown={onKeyDown}>
      {OVERLAP_TABS.map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          id={`ov-tab-${t}`}
          aria-selected={t === tab}
          aria-controls={`ov-panel-${t}`}
          tabIndex={t === tab ? 0 : -1}
          class={t === tab ? 'ov-tab active' : 'ov-tab'}
          onClick={() => choose(t, false)}
        >
          {TAB_NAMES[t]}
        </button>
      ))}
    </div>
  );
}

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

function RankedTab({ filters }: { filters: Filters }) {
  const map = useMap();
  const fkey = filterParams(filters).toString();
  // The slider's position while it moves, and the minimum score asked for once it is let go.
  const [draft, setDraft] = useState(0);
  const [minScore, setMinScore] = useState(0);
  // Pages shown, for this filter and minimum only (a new query starts at one page).
  const base = `${fkey}|${minScore}`;
  const [more, setMore] = useState({ base, pages: 1 });
  const pages = more.base === base ? more.pages : 1;
  const list = useAsync(`overlaps?${base}|${pages}`, (signal) =>
    overlaps(filters, { limit: PAGE * pages, min_score: minScore > 0 ? minScore : undefined }, signal),
  );
  const data = list.data;
  const fc = useMemo(() => (data ? overlapFeatures(data.overlaps) : null), [data]);
  useDrawn(map, fc);

  return (
    <>
      <div class="ov-controls">
        <label class="ov-slider">
          <span>
            Minimum score <output data-testid="min-score">{draft}</output>
          </span>
          <input
            type="range"
            min={0}
            max={100}
            step={5}
            value={draft}
            aria-label="Minimum overlap score"
            onInput={(e) => setDraft(Number(e.currentTarget.value))}
            onChange={(e) => setMinScore(Number(e.currentTarget.value))}
          />
        </label>
        <p class="ov-count" aria-live="polite" data-testid="overlap-count">
          {data ? (
            <>
              <strong>{formatCount(data.numberMatched)}</strong> {data.numberMatched === 1 ? 'overlap' : 'overlaps'}
              {minScore > 0 ? ` scoring ${minScore} or more` : ''}, best first
            </>
          ) : (
            ''
          )}
          {list.state === 'loading' && data ? <span class="muted"> · updating…</span> : ''}
        </p>
      </div>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!data && list.state === 'loading' && <Loading what="overlaps" />}
      {data && data.overlaps.length === 0 && (
        <Empty>
          {NO_OVERLAPS}
          {minScore > 0 ? ', or a lower minimum score.' : '.'}
        </Empty>
      )}
      {data && data.overlaps.length > 0 && (
        <ol class="ov-list" data-testid="overlap-list">
          {data.overlaps.map((o) => (
            <OverlapItem key={`${o.a.id}-${o.b.id}`} o={o} />
          ))}
        </ol>
      )}
      {data && data.numberMatched > data.overlaps.length && (
        <button
          type="button"
          class="button more"
          disabled={list.state === 'loading'}
          onClick={() => setMore({ base, pages: pages + 1 })}
        >
          Show more ({formatCount(data.numberMatched - data.overlaps.length)} left)
        </button>
      )}
    </>
  );
}

/** Draws `fc` in the map's overlap layers while the component shows it; clears them (and the hover ring) when it goes. */
function useDrawn(map: MapView | null, fc: GeoJSON.FeatureCollection | null): void {
  useEffect(() => {
    map?.showOverlaps(fc);
  }, [map, fc]);
  useEffect(
    () => () => {
      map?.showOverlaps(null);
      map?.hover(null);
    },
    [map],
  );
}

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

/** One ranked overlap: the score, both activities and their leads, why, and where. */
function OverlapItem({ o }: { o: Overlap }) {
  const map = useMap();
  const pts = overlapPoints(o);
  const on = () => map?.hover(pts.length ? pts : null);
  const off = () => map?.hover(null);
  const score = Math.round(o.score);
  return (
    <li class="ov-item" data-testid="overlap" data-a={o.a.id} data-b={o.b.id} onMouseEnter={on} onMouseLeave={off} onFocusIn={on} onFocusOut={off}>
      <div class={`ov-score ${scoreBand(o.score)}`} title={`Overlap score ${o.score} out of 100`}>
        <span class="sr-only">Score </span>
        {score}
      </div>
      <div class="ov-main">
        <div class="ov-sides">
          <Side s={o.a} />
          <Side s={o.b} />
        </div>
        <p class="ov-reason">{o.reason}</p>
        <div class="ov-foot">
          <span class="ov-place">{placeText(o, (c) => label('country', c))}</span>
          {pts.length > 0 && (
            <button type="button" class="link ov-fly" onClick={() => map?.flyToPoints(pts, pts.length > 1 ? 14 : 11)}>
              <PinIcon />
              Show on map
            </button>
          )}
        </div>
      </div>
    </li>
  );
}

function PinIcon() {
  return (
    <svg width="11" height="13" viewBox="0 0 11 13" aria-hidden="true" focusable="false">
      <path d="M5.5 0.6A4.6 4.6 0 0 0 0.9 5.2c0 3.3 4.6 7.4 4.6 7.4s4.6-4.1 4.6-7.4A4.6 4.6 0 0 0 5.5 0.6zm0 6.3a1.7 1.7 0 1 1 0-3.4 1.7 1.7 0 0 1 0 3.4z" fill="currentColor" />
    </svg>
  );
}

function Side({ s }: { s: OverlapSide }) {
  const colours = useConstituencyColours();
  return (
    <div class="ov-side">
      <button type="button" class="link ov-title" onClick={() => update({ selected: { kind: 'activity', id: s.id } })}>
        {s.title}
      </button>
      <span class="ov-lead">
        <span class="ov-dot" style={{ background: colours.get(s.organisation.constituency) ?? '#9aa3ab' }} aria-hidden="true" />
        <button
          type="button"
          class="link subtle"
          title={label('constituency', s.organisation.constituency)}
          onClick={() => update({ selected: { kind: 'organisation', id: s.organisation.id } })}
        >
          {s.organisation.name}
        </button>
      </span>
    </div>
  );
}

/** The constituency colours of the map's style (the same as the dots on the map). */
function useConstituencyColours(): Map<string, string> {
  const map = useMap();
  const expr = map?.constituencyColours();
  return useMemo(() => new Map(matchPairs(expr)), [expr]);
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

/** Light to dark (ColorBrewer Oranges, the hue of the overlaps on the map). */
const RAMP = ['#fdecd9', '#fdd0a2', '#fdae6b', '#fd8d3c', '#e6550d', '#b5420a', '#7f2704'];

function hexRGB(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * A cell's colours for `count` overlaps when the largest cell has `max`: a
 * log scale from the lightest shade (1) to the darkest (max), with white
 * text on the dark half.
 */
export function heatColour(count: number, max: number): { background: string; color: string } {
  const t = count <= 1 || max <= 1 ? 0 : Math.min(1, Math.log(count) / Math.log(max));
  const x = t * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const [r0, g0, b0] = hexRGB(RAMP[i]);
  const [r1, g1, b1] = hexRGB(RAMP[i + 1]);
  const mix = (p: number, q: number) => Math.round(p + (q - p) * f);
  const hex = [mix(r0, r1), mix(g0, g1), mix(b0, b1)].map((v) => v.toString(16).padStart(2, '0')).join('');
  return { background: `#${hex}`, color: t > 0.5 ? '#ffffff' : '#1f2a33' };
}

/** A few counts for the ramp's legend: 1, the largest, and steps between on the same log scale. */
export function rampSteps(max: number): number[] {
  if (max <= 1) return [1];
  const steps = new Set<number>([1]);
  for (const t of [0.25, 0.5, 0.75]) steps.add(Math.max(1, Math.round(Math.exp(t * Math.log(max)))));
  steps.add(max);
  return [...steps].sort((a, b) => a - b);
}

type Pair = { a: number; b: number };

function MatrixTab({ filters }: { filters: Filters }) {
  const fkey = filterParams(filters).toString();
  const matrix = useAsync(`matrix?${fkey}`, (signal) => overlapMatrix(filters, signal));
  const orgs = useAsync('organisations', (signal) =>
    getJSON<FeatureCollection<Organisation>>(apiURL('/collections/organisations/items', { limit: 1000 }), signal),
  );
  const model = useMemo(() => (matrix.data ? matrixModel(matrix.data) : null), [matrix.data]);
  const shortNames = useMemo(() => {
    const m = new Map<number, string>();
    for (const f of orgs.data?.features ?? []) if (f.properties.short_name) m.set(f.id, f.properties.short_name);
    return m;
  }, [orgs.data]);
  // The open cell, for this filter only.
  const [open, setOpen] = useState<{ fkey: string; pair: Pair } | null>(null);
  const pair = open && open.fkey === fkey && model?.counts.has(pairKey(open.pair.a, open.pair.b)) ? open.pair : null;

  if (matrix.state === 'error') return <ErrorNote error={matrix.error} retry={matrix.retry} />;
  if (!model) return <Loading what="the matrix" />;
  if (model.members.length === 0) return <Empty>{NO_OVERLAPS}.</Empty>;

  const short = (m: MatrixMember) => shortNames.get(m.id) ?? abbreviate(m.name);
  const byId = new Map(model.members.map((m) => [m.id, m]));
  return (
    <>
      <p class="ov-count" aria-live="polite">
        <strong>{formatCount(model.total)}</strong> {model.total === 1 ? 'overlap' : 'overlaps'} between{' '}
        {plural(model.members.length, 'member')}, by lead member
        {matrix.state === 'loading' ? <span class="muted"> · updating…</span> : ''}
      </p>
      <div class="ov-matrix-box" role="region" aria-label="Overlaps between members" tabIndex={0}>
        <table class="ov-matrix" data-testid="overlap-matrix">
          <caption class="sr-only">
            Number of overlaps between each pair of members; each pair appears twice, once in each member's row.
          </caption>
          <thead>
            <tr>
              <th scope="col" class="corner">
                <span>Member</span>
                <span class="muted">total</span>
              </th>
              {model.members.map((c) => (
                <th
                  key={c.id}
                  scope="col"
                  class={pair && (pair.a === c.id || pair.b === c.id) ? 'col on' : 'col'}
                  title={c.name}
                  abbr={c.name}
                >
                  <span>{short(c)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {model.members.map((r) => (
              <tr key={r.id}>
                <th scope="row" class={pair && (pair.a === r.id || pair.b === r.id) ? 'row on' : 'row'} title={r.name} abbr={r.name}>
                  <span class="row-head">
                    <span class="name">{short(r)}</span>
                    <span class="total">{r.total}</span>
                  </span>
                </th>
                {model.members.map((c) => {
                  if (c.id === r.id) return <td key={c.id} class="diag" />;
                  const n = model.counts.get(pairKey(r.id, c.id));
                  if (!n) return <td key={c.id} />;
                  const chosen = pair !== null && pairKey(pair.a, pair.b) === pairKey(r.id, c.id);
                  return (
                    <td key={c.id} data-a={r.id} data-b={c.id} data-count={n} class={chosen ? 'on' : ''} style={heatColour(n, model.max)}>
                      <button
                        type="button"
                        aria-pressed={chosen}
                        aria-label={`${r.name} and ${c.name}: ${plural(n, 'overlap')}`}
                        title={`${short(r)} × ${short(c)}: ${plural(n, 'overlap')}`}
                        onClick={() => setOpen(chosen ? null : { fkey, pair: { a: r.id, b: c.id } })}
                      >
                        {n}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="ov-ramp" aria-hidden="true">
        <span class="muted">Fewer</span>
        {rampSteps(model.max).map((n) => (
          <span key={n} class="swatch" style={heatColour(n, model.max)}>
            {n}
          </span>
        ))}
        <span class="muted">more overlaps</span>
      </div>
      {pair ? (
        <PairOverlaps
          key={pairKey(pair.a, pair.b)}
          a={byId.get(pair.a)!}
          b={byId.get(pair.b)!}
          expected={model.counts.get(pairKey(pair.a, pair.b)) ?? 0}
          filters={filters}
          short={short}
          onClose={() => setOpen(null)}
        />
      ) : (
        <p class="hint">Choose a cell to list that pair's overlaps and draw them on the map.</p>
      )}
    </>
  );
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

function PairOverlaps(props: {
  a: MatrixMember;
  b: MatrixMember;
  expected: number;
  filters: Filters;
  short(m: MatrixMember): string;
  onClose(): void;
}) {
  const { a, b, expected, filters, short, onClose } = props;
  const map = useMap();
  const head = useRef<HTMLHeadingElement>(null);
  useEffect(() => head.current?.scrollIntoView({ block: 'nearest' }), []);
  const list = useAsync(`pair/${a.id}/${b.id}?${filterParams(filters)}`, (signal) => pairOverlaps(a, b, expected, filters, signal));
  const found = list.data?.overlaps;
  const fc = useMemo(() => (found ? overlapFeatures(found) : null), [found]);
  useDrawn(map, fc);
  useEffect(() => {
    if (fc && fc.features.length > 0) {
      const pts = found!.flatMap(overlapPoints);
      map?.flyToPoints(pts, 9);
    }
  }, [fc]);
  return (
    <section class="ov-pair" aria-labelledby="ov-pair-title" data-testid="overlap-pair">
      <div class="ov-pair-head">
        <h3 id="ov-pair-title" ref={head}>
          {short(a)} × {short(b)}
        </h3>
        <button type="button" class="close" aria-label="Close this pair" onClick={onClose}>
          ×
        </button>
      </div>
      <p class="muted">
        {plural(expected, 'overlap')} between <strong>{a.name}</strong> and <strong>{b.name}</strong>
      </p>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!found && list.state === 'loading' && <Loading what="their overlaps" />}
      {found && found.length === 0 && <Empty>{NO_OVERLAPS}.</Empty>}
      {found && found.length > 0 && (
        <ol class="ov-list compact">
          {found.map((o) => (
            <OverlapItem key={`${o.a.id}-${o.b.id}`} o={o} />
          ))}
        </ol>
      )}
      {list.data && !list.data.complete && (
        <p class="hint">
          Showing {formatCount(found!.length)} of {formatCount(expected)}.
        </p>
      )}
    </section>
  );
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

const HOTSPOT_LIMIT = 100;

function HotspotsTab({ filters }: { filters: Filters }) {
  const map = useMap();
  const fkey = filterParams(filters).toString();
  const list = useAsync(`hotspots?${fkey}`, (signal) => hotspots(filters, { limit: HOTSPOT_LIMIT }, signal));
  const data = list.data;
  const fc = useMemo(() => (data ? hotspotFeatures(data.hotspots) : null), [data]);
  useDrawn(map, fc);

  return (
    <>
      <p class="ov-count" aria-live="polite" data-testid="hotspot-count">
        {data && (
          <>
            <strong>{formatCount(data.numberMatched)}</strong> {data.numberMatched === 1 ? 'place' : 'places'} where three
            or more members work on one theme at the same time
          </>
        )}
        {list.state === 'loading' && data ? <span class="muted"> · updating…</span> : ''}
      </p>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!data && list.state === 'loading' && <Loading what="hotspots" />}
      {data && data.hotspots.length === 0 && <Empty>{NO_OVERLAPS}.</Empty>}
      {data && data.hotspots.length > 0 && (
        <ol class="ov-list" data-testid="hotspot-list">
          {data.hotspots.map((h) => (
            <HotspotItem key={`${h.place_id ?? h.place}-${h.theme}-${h.day}`} h={h} />
          ))}
        </ol>
      )}
      {data && data.numberMatched > data.hotspots.length && (
        <p class="hint">
          The first {formatCount(data.hotspots.length)} are shown; narrow the filters to see the others.
        </p>
      )}
    </>
  );
}

function HotspotItem({ h }: { h: Hotspot }) {
  const map = useMap();
  const colours = useConstituencyColours();
  const on = () => map?.hover([h.point]);
  const off = () => map?.hover(null);
  return (
    <li class="ov-item hotspot" data-testid="hotspot" onMouseEnter={on} onMouseLeave={off} onFocusIn={on} onFocusOut={off}>
      <div class="ov-score members" title={`${h.member_count} members`}>
        {h.member_count}
        <small>members</small>
      </div>
      <div class="ov-main">
        <div class="ov-hs-head">
          <button type="button" class="link ov-hs-place" title="Show on the map" onClick={() => map?.flyToPoints([h.point], 10)}>
            {h.place}
          </button>
          <span class="muted"> · {label('country', h.country)}</span>
        </div>
        <p class="ov-hs-what">
          <span class="chip">{h.theme_name || label('theme', h.theme)}</span>
          <span class="muted">all active on {formatDate(h.day)}</span>
        </p>
        <ul class="ov-hs-members">
          {h.members.map((m) => (
            <li key={m.id}>
              <span class="ov-lead">
                <span class="ov-dot" style={{ background: colours.get(m.constituency) ?? '#9aa3ab' }} aria-hidden="true" />
                <button
                  type="button"
                  class="link subtle ov-hs-member"
                  title={label('constituency', m.constituency)}
                  onClick={() => update({ selected: { kind: 'organisation', id: m.id } })}
                >
                  {m.name}
                </button>
              </span>
              <ul class="ov-hs-acts">
                {h.activities
                  .filter((a) => a.organisation === m.id)
                  .map((a) => (
                    <li key={a.id}>
                      <button type="button" class="link ov-title" onClick={() => update({ selected: { kind: 'activity', id: a.id } })}>
                        {a.title}
                      </button>
                    </li>
                  ))}
              </ul>
            </li>
          ))}
        </ul>
      </div>
    </li>
  );
}
