import { describe, expect, it } from 'vitest';

import css from './app.css?raw';
import { ACCENT, INK, interpolateStops, matchPairs, MEMBER_RAMP, MUTED, themeColour, withAlpha } from './colours.ts';
import { choroplethStops, clusterFill } from './mapview.ts';
import golden from './testdata/style.json';

function paint(id: string, property: string): unknown {
  const l = golden.layers.find((x) => x.id === id) as { paint?: Record<string, unknown> } | undefined;
  return l?.paint?.[property];
}

describe('the palette', () => {
  it("names app.css's own colours", () => {
    const root = /:root\s*{([^}]*)}/.exec(css)?.[1] ?? '';
    const v = (name: string) => new RegExp(`--${name}:\\s*([^;]+);`).exec(root)?.[1].trim();
    expect([v('ink'), v('muted'), v('accent')]).toEqual([INK, MUTED, ACCENT]);
  });

  it('writes a colour at an opacity as rgba', () => {
    expect(withAlpha('#b4531d', 0.25)).toBe('rgba(180, 83, 29, 0.25)');
    expect(themeColour('gender')).toBe('#ad494a');
    expect(themeColour('no-such-theme')).toBe('#7f7f7f');
  });
});

describe("reading the server style's colours", () => {
  it('reads the constituency colours of the activities', () => {
    const pairs = matchPairs(paint('activities', 'circle-color'));
    expect(pairs.length).toBeGreaterThanOrEqual(8);
    expect(pairs.map(([k]) => k)).toContain('research');
    expect(matchPairs(['interpolate', ['linear'], 0, 'a'])).toEqual([]);
  });

  it('reads the clusters fill at their opacity', () => {
    expect(clusterFill(paint('clusters', 'circle-color'), paint('clusters', 'circle-opacity'))).toBe('rgba(59, 91, 146, 0.7)');
    expect(clusterFill('#3b5b92', undefined)).toBe('rgba(59, 91, 146, 1)');
    expect(clusterFill(['get', 'c'], 0.7)).toBeUndefined();
  });

  it('reads the country shading by activities, and shades by members from its land colour', () => {
    const shading = paint('countries-fill', 'fill-color');
    const stops = interpolateStops(shading);
    expect(stops.map(([n]) => n)).toEqual([0, 1, 5, 20, 50, 150]);
    expect(choroplethStops('activities', shading)).toEqual(stops);
    expect(choroplethStops('members', shading)).toEqual([[0, stops[0][1]], ...MEMBER_RAMP]);
    expect(choroplethStops('members', undefined)).toEqual([]);
  });
});
