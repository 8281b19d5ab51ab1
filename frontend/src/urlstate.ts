/**
 * The whole view lives in the page's URL, so that a view can be shared,
 * bookmarked, embedded and restored by reloading: the filters (under the
 * server's own parameter names, see filters.ts), the map position, the open
 * panel, the selection and the map's display modes. Defaults are left out,
 * so the plain URL is the plain map.
 */
import { emptyFilters, filterParams, parseFilters, type Filters } from './filters.ts';

export type Panel = 'activities' | 'overlaps' | 'stats';
export const PANELS: readonly Panel[] = ['activities', 'overlaps', 'stats'];

export type OverlapTab = 'ranked' | 'matrix' | 'hotspots';
export const OVERLAP_TABS: readonly OverlapTab[] = ['ranked', 'matrix', 'hotspots'];

/** What activities are coloured by. */
export type ColourMode = 'constituency' | 'theme';
/** What the country choropleth shows. */
export type Choropleth = 'activities' | 'members' | 'off';

export interface Camera {
  lng: number;
  lat: number;
  zoom: number;
}

export type Selection = { kind: 'activity' | 'organisation'; id: number };

export interface ViewState {
  filters: Filters;
  /** undefined: the first view (the whole world) */
  camera?: Camera;
  panel: Panel;
  overlapTab: OverlapTab;
  selected?: Selection;
  colour: ColourMode;
  choropleth: Choropleth;
  /** `embed=1`: the map and legend alone, for an iframe on another site. */
  embed: boolean;
}

export function defaultView(): ViewState {
  return {
    filters: emptyFilters(),
    panel: 'activities',
    overlapTab: 'ranked',
    colour: 'constituency',
    choropleth: 'activities',
    embed: false,
  };
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** `map=zoom/lat/lng`, as OpenStreetMap writes it; anything out of range is dropped. */
export function parseCamera(value: string | null): Camera | undefined {
  if (!value) return undefined;
  const parts = value.split('/');
  if (parts.length !== 3) return undefined;
  const [zoom, lat, lng] = parts.map(Number);
  if (![zoom, lat, lng].every(Number.isFinite)) return undefined;
  if (zoom < 0 || zoom > 22 || lat < -90 || lat > 90 || lng < -180 || lng > 180) return undefined;
  return { zoom, lat, lng };
}

export function formatCamera(c: Camera): string {
  // Two decimals of zoom and enough of a degree for a metre at zoom 20.
  const round = (n: number, d: number) => String(Number(n.toFixed(d)));
  return `${round(c.zoom, 2)}/${round(c.lat, 5)}/${round(c.lng, 5)}`;
}

/** `selected=activity/12` or `selected=organisation/3`. */
export function parseSelection(value: string | null): Selection | undefined {
  const m = /^(activity|organisation)\/([1-9][0-9]{0,15})$/.exec(value ?? '');
  return m ? { kind: m[1] as Selection['kind'], id: Number(m[2]) } : undefined;
}

/** Reads a view from a query string (`location.search`); unknown or bad values fall back to defaults. */
export function parseView(search: string): ViewState {
  const p = new URLSearchParams(search);
  const d = defaultView();
  return {
    filters: parseFilters(p),
    camera: parseCamera(p.get('map')),
    panel: oneOf(p.get('panel'), PANELS, d.panel),
    overlapTab: oneOf(p.get('overlaps'), OVERLAP_TABS, d.overlapTab),
    selected: parseSelection(p.get('selected')),
    colour: oneOf(p.get('colour'), ['constituency', 'theme'] as const, d.colour),
    choropleth: oneOf(p.get('choropleth'), ['activities', 'members', 'off'] as const, d.choropleth),
    embed: p.get('embed') === '1',
  };
}

/** The query string of a view (with its `?`, or '' for the default view). */
export function viewSearch(v: ViewState): string {
  const p = filterParams(v.filters);
  const d = defaultView();
  if (v.panel !== d.panel) p.set('panel', v.panel);
  if (v.overlapTab !== d.overlapTab) p.set('overlaps', v.overlapTab);
  if (v.selected) p.set('selected', `${v.selected.kind}/${v.selected.id}`);
  if (v.colour !== d.colour) p.set('colour', v.colour);
  if (v.choropleth !== d.choropleth) p.set('choropleth', v.choropleth);
  if (v.embed) p.set('embed', '1');
  if (v.camera) p.set('map', formatCamera(v.camera));
  const s = p.toString().replaceAll('%2C', ',').replaceAll('%2F', '/');
  return s === '' ? '' : `?${s}`;
}
