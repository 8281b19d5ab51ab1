import { describe, expect, it } from 'vitest';

import { emptyFilters } from './filters.ts';
import { defaultView, formatCamera, parseCamera, parseSelection, parseView, viewSearch, type ViewState } from './urlstate.ts';

describe('URL state', () => {
  it('leaves the default view out of the URL', () => {
    expect(viewSearch(defaultView())).toBe('');
    expect(parseView('')).toEqual(defaultView());
  });

  it('round-trips a whole view through the URL', () => {
    const v: ViewState = {
      filters: { ...emptyFilters(), theme: ['resilience', 'gender'], country: ['KE'], datetime: '2024-01-01/..' },
      camera: { zoom: 6.25, lat: -1.28333, lng: 36.81667 },
      panel: 'overlaps',
      overlapTab: 'matrix',
      selected: { kind: 'activity', id: 452 },
      colour: 'theme',
      choropleth: 'members',
      embed: true,
    };
    const search = viewSearch(v);
    expect(search).toBe(
      '?theme=resilience,gender&country=KE&datetime=2024-01-01/..&panel=overlaps&overlaps=matrix' +
        '&selected=activity/452&colour=theme&choropleth=members&embed=1&map=6.25/-1.28333/36.81667',
    );
    expect(parseView(search)).toEqual(v);
  });

  it('falls back to defaults for unknown or bad values', () => {
    const v = parseView('?panel=admin&overlaps=x&colour=red&choropleth=3d&selected=activity/abc&map=99/0/0');
    expect(v).toEqual(defaultView());
  });

  it('reads and writes the map position as zoom/lat/lng', () => {
    expect(parseCamera('3/10.5/-20')).toEqual({ zoom: 3, lat: 10.5, lng: -20 });
    for (const bad of ['', '3/10', '3/91/0', '3/0/181', '-1/0/0', 'a/b/c', '3/0/0/0']) {
      expect(parseCamera(bad)).toBeUndefined();
    }
    expect(formatCamera({ zoom: 2.123456, lat: 1.1234567, lng: -0.000001 })).toBe('2.12/1.12346/0');
  });

  it('reads a selection of an activity or a member', () => {
    expect(parseSelection('organisation/7')).toEqual({ kind: 'organisation', id: 7 });
    expect(parseSelection('activity/0')).toBeUndefined();
    expect(parseSelection('programme/3')).toBeUndefined();
    expect(parseSelection(null)).toBeUndefined();
  });

  it('keeps text with commas and slashes intact', () => {
    const v = { ...defaultView(), filters: { ...emptyFilters(), q: 'roads, drains / "green space" %2C' } };
    expect(parseView(viewSearch(v)).filters.q).toBe(v.filters.q);
  });
});
