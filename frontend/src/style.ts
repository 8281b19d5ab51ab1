import type { StyleSpecification } from 'maplibre-gl';

/** Where the map reads country boundaries: the server's OGC API Features items. */
export const COUNTRIES_URL = '/collections/countries/items?limit=1000';

export const COUNTRIES_SOURCE = 'countries';
export const COUNTRIES_FILL_LAYER = 'countries-fill';
export const COUNTRIES_LINE_LAYER = 'countries-line';

export const COUNTRIES_ATTRIBUTION = '© Natural Earth (public domain)';

const colours = {
  ocean: '#cfe3ef',
  land: '#f4f1e8',
  border: '#9aa7b1',
} as const;

/**
 * The CommonGround map style. Everything it loads comes from the page's own
 * origin: a background and the countries GeoJSON from the server. It has no
 * glyphs, sprite or symbol layers, so it needs no font or tile host.
 *
 * @param countriesUrl where to fetch the countries FeatureCollection
 *   (same-origin; the default is the server's OGC API items route).
 */
export function buildStyle(countriesUrl: string = COUNTRIES_URL): StyleSpecification {
  return {
    version: 8,
    name: 'CommonGround',
    sources: {
      [COUNTRIES_SOURCE]: {
        type: 'geojson',
        data: countriesUrl,
        attribution: COUNTRIES_ATTRIBUTION,
      },
    },
    layers: [
      {
        id: 'background',
        type: 'background',
        paint: { 'background-color': colours.ocean },
      },
      {
        id: COUNTRIES_FILL_LAYER,
        type: 'fill',
        source: COUNTRIES_SOURCE,
        paint: { 'fill-color': colours.land },
      },
      {
        id: COUNTRIES_LINE_LAYER,
        type: 'line',
        source: COUNTRIES_SOURCE,
        paint: {
          'line-color': colours.border,
          'line-width': ['interpolate', ['linear'], ['zoom'], 1, 0.5, 6, 1.2],
        },
      },
    ],
  };
}
