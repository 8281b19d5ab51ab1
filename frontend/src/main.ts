import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';

import {
  Map as MapLibreMap,
  NavigationControl,
  setWorkerUrl,
  type MapLayerMouseEvent,
} from 'maplibre-gl';
// The worker bundle as a hashed same-origin asset (maplibre-gl 6 runs it as a module worker).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

import { INITIAL_CENTER, initialZoom } from './view.ts';

/**
 * The server's default style (GET /style.json): a background, the country
 * choropleth, server-side clusters and the activities, all from
 * CommonGround's own vector tiles (one source, SOURCE). It has no glyphs,
 * sprite or symbol layers, so the page needs no font or tile host.
 */
const STYLE_URL = '/style.json';
const SOURCE = 'commonground';
const COUNTRIES_FILL_LAYER = 'countries-fill';

declare global {
  interface Window {
    /** The live map, for browser tests and the console. */
    commonground?: { map: MapLibreMap };
  }
}

/** What the page's map is doing, as `document.body.dataset.mapState` (read by the browser test). */
type MapState = 'loading' | 'idle' | 'error';

function setMapState(state: MapState): void {
  document.body.dataset.mapState = state;
}

function element(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el;
}

function showError(message: string): void {
  const status = element('status');
  status.textContent = message;
  status.hidden = false;
  setMapState('error');
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

/** Shows the hovered country's name next to the pointer. */
function wireTooltip(map: MapLibreMap, tooltip: HTMLElement): void {
  map.on('mousemove', COUNTRIES_FILL_LAYER, (e: MapLayerMouseEvent) => {
    const name = e.features?.[0]?.properties?.name;
    if (typeof name !== 'string' || name === '') {
      tooltip.hidden = true;
      return;
    }
    tooltip.textContent = name;
    tooltip.hidden = false;
    const { clientX, clientY } = e.originalEvent;
    const flip = clientX + tooltip.offsetWidth + 24 > window.innerWidth;
    tooltip.style.left = `${flip ? clientX - tooltip.offsetWidth - 12 : clientX + 12}px`;
    tooltip.style.top = `${clientY + 12}px`;
  });
  map.on('mouseleave', COUNTRIES_FILL_LAYER, () => {
    tooltip.hidden = true;
  });
}

function start(): void {
  setWorkerUrl(workerUrl);
  const container = element('map');
  let map: MapLibreMap;
  try {
    map = new MapLibreMap({
      container,
      style: STYLE_URL,
      center: INITIAL_CENTER,
      zoom: initialZoom(container.clientWidth),
      attributionControl: { compact: false },
    });
  } catch (error) {
    // Thrown when the browser has no WebGL.
    console.error(error);
    showError('The map cannot be shown: this browser does not support WebGL.');
    return;
  }
  window.commonground = { map };
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  wireTooltip(map, element('tooltip'));

  map.on('error', (e) => {
    console.error(e.error);
    const status = httpStatus(e.error);
    const what = (e as { sourceId?: string }).sourceId === SOURCE ? 'the map data' : 'the map style';
    showError(`Could not load ${what}${status ? ` (HTTP ${status})` : ''}. Try reloading the page.`);
  });
  map.on('idle', () => {
    if (document.body.dataset.mapState === 'loading' && map.getSource(SOURCE) && map.isSourceLoaded(SOURCE)) {
      setMapState('idle');
    }
  });
}

start();
