/**
 * The map: MapLibre GL JS over the server's own style (/style.json) and
 * vector tiles, plus what the app draws on top (the hovered and selected
 * activity, overlaps). It knows nothing of Preact; the app drives it with
 * the methods below and hears back through MapEvents.
 */
import {
  Map as MapLibreMap,
  NavigationControl,
  setWorkerUrl,
  type GeoJSONSource,
  type LngLatBoundsLike,
  type MapGeoJSONFeature,
  type MapLayerMouseEvent,
  type VectorTileSource,
} from 'maplibre-gl';
// The worker bundle as a hashed same-origin asset (maplibre-gl 6 runs it as a module worker).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

import { apiURL, tileJSONURL } from './api.ts';
import { ACCENT, INK, interpolateStops, MEMBER_RAMP, themeColourExpression, TRANSPARENT, withAlpha } from './colours.ts';
import { filterParams, type Filters } from './filters.ts';
import type { Camera, Choropleth, ColourMode } from './urlstate.ts';
import { INITIAL_CENTER, initialZoom } from './initialview.ts';

/** The style's data source (filtered) and layer ids (api/style.go). */
export const SOURCE = 'commonground';
export const LAYERS = {
  countries: 'countries-fill',
  clusters: 'clusters',
  activities: 'activities',
} as const;

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/**
 * The country shading's [count, colour] stops, light to dark: by activities
 * as the server's style shades them (`styleShading`, its stops), by members
 * from the style's land colour (its first stop) up MEMBER_RAMP.
 */
export function choroplethStops(mode: Exclude<Choropleth, 'off'>, styleShading: unknown): [number, string][] {
  const style = interpolateStops(styleShading);
  if (mode === 'activities' || style.length === 0) return style;
  return [[0, style[0][1]], ...MEMBER_RAMP];
}

/** A circle's fill of `colour` ("#rrggbb") at `opacity` (a number, else opaque); undefined for anything else. */
export function clusterFill(colour: unknown, opacity: unknown): string | undefined {
  if (typeof colour !== 'string' || !/^#[0-9a-f]{6}$/i.test(colour)) return undefined;
  return withAlpha(colour, typeof opacity === 'number' ? opacity : 1);
}

export interface MapEvents {
  /** The map stopped moving (by the user or the app). */
  moved(camera: Camera): void;
  /** An activity on the map was clicked. */
  activityClicked(id: number): void;
  /** The map or its data failed to load (`status`: the HTTP status, when there was one). */
  failed(message: string, status?: number): void;
  /** The first time the map is idle with its data loaded. */
  ready(): void;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

/** Longitude in [-180, 180]. */
function wrapLng(lng: number): number {
  return ((((lng + 180) % 360) + 360) % 360) - 180;
}

export class MapView {
  readonly map: MapLibreMap;
  private readonly events: MapEvents;
  private readonly tooltip: HTMLElement;
  private colour: ColourMode = 'constituency';
  private choropleth: Choropleth = 'activities';
  private constituencyColour: unknown;
  private countryShading: unknown;
  private styleReady = false;
  private isReady = false;

  constructor(container: HTMLElement, tooltip: HTMLElement, camera: Camera | undefined, filters: Filters, events: MapEvents) {
    setWorkerUrl(workerUrl);
    this.events = events;
    this.tooltip = tooltip;
    // The server puts the filter on the data source's TileJSON URL (api/style.go).
    const styleURL = apiURL('/style.json', filterParams(filters));
    this.map = new MapLibreMap({
      container,
      style: styleURL,
      center: camera ? [camera.lng, camera.lat] : INITIAL_CENTER,
      zoom: camera ? camera.zoom : initialZoom(container.clientWidth),
      // A phone's 3x screen draws 9 times the pixels of 1x, in software where there is no GPU;
      // 2x is as sharp to the eye at a fraction of the cost.
      pixelRatio: Math.min(window.devicePixelRatio || 1, 2),
      // Full attribution on a wide map, folded into an (i) button on a narrow one.
      attributionControl: { compact: container.clientWidth < 640 },
    });
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    this.map.on('style.load', () => this.styleLoaded());
    this.map.on('error', (e) => {
      console.error(e.error);
      const status = httpStatus(e.error);
      const what = (e as { sourceId?: string }).sourceId === SOURCE ? 'the map data' : 'the map';
      this.events.failed(`Could not load ${what}${status ? ` (HTTP ${status})` : ''}. Try reloading the page.`, status);
    });
    this.map.on('moveend', () => {
      const c = this.map.getCenter();
      this.events.moved({ lng: wrapLng(c.lng), lat: c.lat, zoom: this.map.getZoom() });
    });
    this.map.on('idle', () => {
      if (!this.isReady && this.styleReady && this.map.getSource(SOURCE) && this.map.isSourceLoaded(SOURCE)) {
        this.isReady = true;
        this.events.ready();
      }
    });
    this.wirePointer();
  }

  private styleLoaded(): void {
    const map = this.map;
    this.constituencyColour = map.getPaintProperty(LAYERS.activities, 'circle-color');
    this.countryShading = map.getPaintProperty(LAYERS.countries, 'fill-color');
    map.addSource('overlaps', { type: 'geojson', data: EMPTY });
    map.addSource('hover', { type: 'geojson', data: EMPTY });
    map.addSource('selected', { type: 'geojson', data: EMPTY });
    map.addLayer(
      {
        id: 'overlap-lines',
        type: 'line',
        source: 'overlaps',
        paint: {
          'line-color': ACCENT,
          'line-width': ['interpolate', ['linear'], ['get', 'score'], 0, 1.5, 100, 4],
          'line-opacity': 0.85,
        },
        filter: ['==', ['geometry-type'], 'LineString'],
      },
    );
    map.addLayer({
      id: 'overlap-points',
      type: 'circle',
      source: 'overlaps',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['get', 'score'], 0, 6, 100, 11],
        'circle-color': withAlpha(ACCENT, 0.25),
        'circle-stroke-color': ACCENT,
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({
      id: 'hover-ring',
      type: 'circle',
      source: 'hover',
      paint: { 'circle-radius': 11, 'circle-color': TRANSPARENT, 'circle-stroke-color': INK, 'circle-stroke-width': 2 },
    });
    map.addLayer({
      id: 'selected-ring',
      type: 'circle',
      source: 'selected',
      paint: {
        'circle-radius': 12,
        'circle-color': withAlpha(ACCENT, 0.15),
        'circle-stroke-color': ACCENT,
        'circle-stroke-width': 3,
      },
    });
    this.styleReady = true;
    this.applyColour();
    this.applyChoropleth();
  }

  /** Shows only what `f` selects: the data source's TileJSON carries the filter. */
  setFilters(f: Filters): void {
    const source = this.map.getSource(SOURCE) as VectorTileSource | undefined;
    if (source) source.setUrl(new URL(tileJSONURL(f), location.href).href);
  }

  /**
   * Loads the data source's TileJSON and tiles again under `f` (the viewer
   * changed, who sees more or less than before): `v`, which the server
   * accepts and ignores, makes it a new request past any cache.
   */
  reload(f: Filters, generation: number): void {
    const source = this.map.getSource(SOURCE) as VectorTileSource | undefined;
    if (!source) return;
    source.setUrl(new URL(tileJSONURL(f, generation), location.href).href);
  }

  setColour(mode: ColourMode): void {
    this.colour = mode;
    if (this.styleReady) this.applyColour();
  }

  setChoropleth(mode: Choropleth): void {
    this.choropleth = mode;
    if (this.styleReady) this.applyChoropleth();
  }

  /** The constituency colours of the server's style (for the legend), once it is loaded. */
  constituencyColours(): unknown {
    return this.constituencyColour;
  }

  /** The clusters' fill as the server's style draws it (for the legend), once it is loaded. */
  clusterColour(): string | undefined {
    if (!this.styleReady) return undefined;
    const paint = (name: 'circle-color' | 'circle-opacity') => this.map.getPaintProperty(LAYERS.clusters, name);
    return clusterFill(paint('circle-color'), paint('circle-opacity'));
  }

  /** The country shading's stops for `mode` (for the legend), once the style is loaded; [] before. */
  choroplethStops(mode: Exclude<Choropleth, 'off'>): [number, string][] {
    return choroplethStops(mode, this.countryShading);
  }

  private applyColour(): void {
    const colour = this.colour === 'theme' ? themeColourExpression() : this.constituencyColour;
    this.map.setPaintProperty(LAYERS.activities, 'circle-color', colour as never);
  }

  private applyChoropleth(): void {
    const land = choroplethStops('activities', this.countryShading)[0]?.[1];
    if (!land) return; // a style without the shading keeps its own
    const colour =
      this.choropleth === 'off'
        ? land
        : this.choropleth === 'activities'
          ? this.countryShading
          : ['interpolate', ['linear'], ['to-number', ['get', 'member_count'], 0], ...choroplethStops('members', this.countryShading).flat()];
    this.map.setPaintProperty(LAYERS.countries, 'fill-color', colour as never);
  }

  /** Rings the points of the hovered activity (null: none). */
  hover(points: [number, number][] | null): void {
    this.setPoints('hover', points);
  }

  /** Rings the points of the selected activity (null: none). */
  select(points: [number, number][] | null): void {
    this.setPoints('selected', points);
  }

  private setPoints(source: string, points: [number, number][] | null): void {
    const data: GeoJSON.FeatureCollection = points
      ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: points } }] }
      : EMPTY;
    const set = () => (this.map.getSource(source) as GeoJSONSource | undefined)?.setData(data);
    if (this.styleReady) set();
    else this.map.once('style.load', set);
  }

  /** Draws overlaps (a GeoJSON FeatureCollection from /overlaps?f=geojson, or built from its JSON). */
  showOverlaps(fc: GeoJSON.FeatureCollection | null): void {
    const set = () => (this.map.getSource('overlaps') as GeoJSONSource | undefined)?.setData(fc ?? EMPTY);
    if (this.styleReady) set();
    else this.map.once('style.load', set);
  }

  /** Moves to a camera (no animation: a restored view must be where it was). */
  jumpTo(c: Camera): void {
    this.map.jumpTo({ center: [c.lng, c.lat], zoom: c.zoom });
  }

  /** Flies to points: the one point at `zoom`, or the box around several. */
  flyToPoints(points: [number, number][], zoom = 9): void {
    if (points.length === 0) return;
    if (points.length === 1) {
      this.map.flyTo({ center: points[0], zoom: Math.max(this.map.getZoom(), zoom), essential: true });
      return;
    }
    const lngs = points.map((p) => p[0]);
    const lats = points.map((p) => p[1]);
    const bounds: LngLatBoundsLike = [
      [Math.min(...lngs), Math.min(...lats)],
      [Math.max(...lngs), Math.max(...lats)],
    ];
    this.map.fitBounds(bounds, { padding: 60, maxZoom: zoom, essential: true });
  }

  /** The map's view as a `bbox` parameter, or undefined when the whole world is in view. */
  bbox(): string | undefined {
    const b = this.map.getBounds();
    // The whole world's width (give or take a rounding) is no box at all.
    if (b.getEast() - b.getWest() >= 359.9) return undefined;
    const south = Math.max(-90, b.getSouth());
    const north = Math.min(90, b.getNorth());
    const r = (n: number) => n.toFixed(4);
    return [r(wrapLng(b.getWest())), r(south), r(wrapLng(b.getEast())), r(north)].join(',');
  }

  private wirePointer(): void {
    const map = this.map;
    const tooltip = this.tooltip;
    const show = (e: MapLayerMouseEvent, html: string) => {
      tooltip.innerHTML = html;
      tooltip.hidden = false;
      const { clientX, clientY } = e.originalEvent;
      const flip = clientX + tooltip.offsetWidth + 24 > window.innerWidth;
      tooltip.style.left = `${flip ? clientX - tooltip.offsetWidth - 12 : clientX + 12}px`;
      tooltip.style.top = `${clientY + 12}px`;
    };
    const hide = () => {
      tooltip.hidden = true;
      map.getCanvas().style.cursor = '';
    };
    // Only the topmost of the interactive layers answers the pointer.
    const topmost = (e: MapLayerMouseEvent): MapGeoJSONFeature | undefined => {
      const layers = [LAYERS.activities, LAYERS.clusters, 'overlap-points', 'overlap-lines', LAYERS.countries].filter((l) =>
        map.getLayer(l),
      );
      return map.queryRenderedFeatures(e.point, { layers })[0];
    };
    map.on('mousemove', (e) => {
      const f = topmost(e as MapLayerMouseEvent);
      if (!f) return hide();
      const p = f.properties;
      switch (f.layer.id) {
        case LAYERS.activities:
          map.getCanvas().style.cursor = 'pointer';
          return show(
            e as MapLayerMouseEvent,
            `<strong>${esc(p.title)}</strong><br>${esc(p.organisation)}<br><span class="muted">${esc(precisionText(p.precision, p.kind))}</span>`,
          );
        case LAYERS.clusters:
          map.getCanvas().style.cursor = 'zoom-in';
          return show(
            e as MapLayerMouseEvent,
            `<strong>${p.activities ?? p.count} activities</strong> of ${p.organisations} members<br><span class="muted">Click to zoom in</span>`,
          );
        case 'overlap-points':
        case 'overlap-lines':
          map.getCanvas().style.cursor = typeof p.a === 'number' ? 'pointer' : '';
          return show(e as MapLayerMouseEvent, `<strong>Overlap, score ${Math.round(p.score)}</strong><br>${esc(p.reason)}`);
        default:
          map.getCanvas().style.cursor = '';
          if (!p.name) return hide();
          return show(
            e as MapLayerMouseEvent,
            `<strong>${esc(p.name)}</strong><br>${p.activity_count ?? 0} activities, ${p.member_count ?? 0} members`,
          );
      }
    });
    map.getCanvas().addEventListener('mouseleave', hide);
    map.on('click', (e) => {
      const f = topmost(e as MapLayerMouseEvent);
      if (!f) return;
      if (f.layer.id === LAYERS.clusters) {
        this.zoomIntoCluster(f, e.lngLat.toArray() as [number, number]);
      } else if (f.layer.id === LAYERS.activities && typeof f.id === 'number') {
        this.events.activityClicked(f.id);
      } else if ((f.layer.id === 'overlap-lines' || f.layer.id === 'overlap-points') && typeof f.properties.a === 'number') {
        // An overlap opens one of its two activities, whose detail shows the other.
        this.events.activityClicked(f.properties.a);
      }
    });
  }

  /** Zooms to a cluster's extent: at least two levels deeper, centred on the cluster. */
  private zoomIntoCluster(f: MapGeoJSONFeature, at: [number, number]): void {
    const { west, south, east, north } = f.properties as Record<string, number>;
    const zoom = this.map.getZoom();
    if ([west, south, east, north].every(Number.isFinite) && (east > west || north > south)) {
      const cam = this.map.cameraForBounds(
        [
          [west, south],
          [east, north],
        ],
        { padding: 40 },
      );
      if (cam && cam.zoom !== undefined && cam.zoom >= zoom + 1) {
        this.map.easeTo({ ...cam, duration: 500 });
        return;
      }
    }
    this.map.easeTo({ center: at, zoom: Math.min(zoom + 2, 20), duration: 500 });
  }
}

export function precisionText(precision: unknown, kind?: unknown): string {
  switch (precision) {
    case 'exact':
      return 'Exact location';
    case 'approximate':
      return 'Approximate location';
    case 'city':
      return 'City level';
    case 'admin_area':
      return 'Admin area level';
    case 'country':
      return 'Country level';
    default:
      return kind ? String(kind) : '';
  }
}

function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
