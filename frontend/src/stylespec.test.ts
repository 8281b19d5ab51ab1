import {
  expression,
  latest,
  validateStyleMin,
  type StylePropertySpecification,
  type StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';

// The server's default style (GET /style.json) for http://localhost:8080,
// written by `go test ./api -run TestStyle -update` and checked against the
// server on every `go test ./api`.
import golden from './testdata/style.json';

const style = golden as unknown as StyleSpecification;

function layer(id: string) {
  const l = style.layers.find((x) => x.id === id);
  if (!l) throw new Error(`no layer ${id}`);
  return l as { paint: Record<string, unknown> } & typeof l;
}

/** Compiles a paint property of circle layers and evaluates it for a point. */
function circlePaint(value: unknown, name: string) {
  const spec = (latest.paint_circle as Record<string, unknown>)[name] as StylePropertySpecification;
  const compiled = expression.createPropertyExpression(value, name, spec);
  if (compiled.result !== 'success') throw new Error(JSON.stringify(compiled.value));
  return (zoom: number, properties: Record<string, unknown>) =>
    compiled.value.evaluate({ zoom }, { type: 'Point', properties }).toString();
}

describe('the server default style (/style.json)', () => {
  it('is a valid MapLibre style', () => {
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('fails validation when broken, so the check above means something', () => {
    const broken = structuredClone(style);
    (broken.layers[1] as { type: string }).type = 'polygon';
    expect(validateStyleMin(broken).length).toBeGreaterThan(0);
    const badExpr = structuredClone(style);
    (badExpr.layers[1] as { paint: Record<string, unknown> }).paint['fill-color'] = ['interpolate', ['linear'], ['get', 'x']];
    expect(validateStyleMin(badExpr).length).toBeGreaterThan(0);
  });

  it("reads only CommonGround's own TileJSON and glyphs, and needs no sprite", () => {
    expect(style.glyphs).toBe('http://localhost:8080/fonts/{fontstack}/{range}.pbf');
    expect(style.sprite).toBeUndefined();
    expect(Object.keys(style.sources).sort()).toEqual(['basemap', 'commonground']);
    expect(style.sources.commonground).toEqual({
      type: 'vector',
      url: 'http://localhost:8080/tiles/countries,clusters,activities.json',
    });
    expect(style.sources.basemap).toEqual({ type: 'vector', url: 'http://localhost:8080/tiles/basemap.json' });
    const urls = JSON.stringify(style).match(/[a-z][a-z0-9+.-]*:\/\/[^"]*/gi) ?? [];
    expect(urls.filter((u) => !u.startsWith('http://localhost:8080/'))).toEqual([]);
  });

  it('draws countries, their names, clusters with counts, then activities', () => {
    expect(style.layers.map((l) => [l.id, l.type, 'source-layer' in l ? l['source-layer'] : null])).toEqual([
      ['background', 'background', null],
      ['countries-fill', 'fill', 'countries'],
      ['countries-line', 'line', 'countries'],
      ['country-labels', 'symbol', 'country_labels'],
      ['place-labels', 'symbol', 'places'],
      ['clusters', 'circle', 'clusters'],
      ['cluster-counts', 'symbol', 'clusters'],
      ['activities', 'circle', 'activities'],
    ]);
  });

  it('abbreviates cluster counts from a thousand up', () => {
    const l = style.layers.find((x) => x.id === 'cluster-counts') as { layout: Record<string, unknown> };
    const spec = (latest.layout_symbol as Record<string, unknown>)['text-field'] as StylePropertySpecification;
    const compiled = expression.createPropertyExpression(l.layout['text-field'], 'text-field', spec);
    if (compiled.result !== 'success') throw new Error(JSON.stringify(compiled.value));
    const text = (count: number) =>
      compiled.value.evaluate({ zoom: 3 }, { type: 'Point', properties: { count } }).toString();
    expect([1, 999, 1000, 1234, 9949, 9950, 12345, 999499, 999500, 1234567].map(text)).toEqual([
      '1', '999', '1k', '1.2k', '9.9k', '10k', '12k', '999k', '1M', '1.2M',
    ]);
  });

  it('gives each constituency its own colour and others a fallback', () => {
    const value = layer('activities').paint['circle-color'] as unknown[];
    const colourOf = circlePaint(value, 'circle-color');
    const codes = value.slice(2, -1).filter((_, i) => i % 2 === 0) as string[];
    expect(codes).toContain('slum_dweller_federation');
    expect(codes.length).toBeGreaterThanOrEqual(8);
    const colours = codes.map((c) => colourOf(12, { constituency: c }));
    const fallback = colourOf(12, { constituency: '' });
    expect(new Set([...colours, fallback]).size).toBe(codes.length + 1);
    expect(colourOf(12, {})).toBe(fallback);
  });

  it('sizes clusters by count and shades countries by activity count', () => {
    const radius = circlePaint(layer('clusters').paint['circle-radius'], 'circle-radius');
    const r = [1, 10, 100, 1000].map((count) => Number(radius(3, { count })));
    expect(r).toEqual([...r].sort((a, b) => a - b));
    expect(new Set(r).size).toBe(r.length);
    const spec = latest.paint_fill['fill-color'] as StylePropertySpecification;
    const fill = expression.createPropertyExpression(layer('countries-fill').paint['fill-color'], 'fill-color', spec);
    if (fill.result !== 'success') throw new Error(JSON.stringify(fill.value));
    const lightness = (n: number) => {
      const c = fill.value.evaluate({ zoom: 3 }, { type: 'Polygon', properties: { activity_count: n } });
      return c.r + c.g + c.b;
    };
    expect(lightness(0)).toBeGreaterThan(lightness(5));
    expect(lightness(5)).toBeGreaterThan(lightness(100));
  });

  it('strokes exact locations more strongly than vague ones', () => {
    const opacity = circlePaint(layer('activities').paint['circle-stroke-opacity'], 'circle-stroke-opacity');
    const at = (precision: string) => Number(opacity(12, { precision }));
    expect(at('exact')).toBeGreaterThan(at('city'));
    expect(at('exact')).toBeGreaterThan(at('country'));
  });
});
