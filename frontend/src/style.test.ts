import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';

import {
  buildStyle,
  COUNTRIES_ATTRIBUTION,
  COUNTRIES_FILL_LAYER,
  COUNTRIES_LINE_LAYER,
  COUNTRIES_SOURCE,
  COUNTRIES_URL,
} from './style.ts';

describe('buildStyle', () => {
  const style = buildStyle();

  it('is a valid MapLibre style', () => {
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('draws a background, then the countries as a fill and a line', () => {
    expect(style.layers.map((l) => [l.id, l.type])).toEqual([
      ['background', 'background'],
      [COUNTRIES_FILL_LAYER, 'fill'],
      [COUNTRIES_LINE_LAYER, 'line'],
    ]);
    for (const layer of style.layers.slice(1)) {
      expect(layer).toHaveProperty('source', COUNTRIES_SOURCE);
    }
    expect([COUNTRIES_FILL_LAYER, COUNTRIES_LINE_LAYER]).toEqual(['countries-fill', 'countries-line']);
  });

  it('reads the countries from the server as GeoJSON with attribution', () => {
    expect(style.sources[COUNTRIES_SOURCE]).toEqual({
      type: 'geojson',
      data: '/collections/countries/items?limit=1000',
      attribution: '© Natural Earth (public domain)',
    });
    expect(COUNTRIES_URL).toBe('/collections/countries/items?limit=1000');
  });

  it('needs no outside host: relative URLs only, no glyphs, sprite or symbol layers', () => {
    const withoutAttribution = JSON.stringify(style, (key, value) =>
      key === 'attribution' ? undefined : value,
    );
    expect(withoutAttribution).not.toMatch(/https?:|\/\/[a-z0-9]/i);
    expect(COUNTRIES_ATTRIBUTION).not.toMatch(/https?:/);
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
    expect(style.layers.filter((l) => l.type === 'symbol')).toEqual([]);
    for (const source of Object.values(style.sources)) {
      if ('data' in source && typeof source.data === 'string') {
        expect(source.data).toMatch(/^\/[^/]/);
      }
    }
  });

  it('takes another same-origin data URL', () => {
    const other = buildStyle('/fixtures/countries.json');
    expect(other.sources[COUNTRIES_SOURCE]).toHaveProperty('data', '/fixtures/countries.json');
    expect(validateStyleMin(other)).toEqual([]);
  });
});
