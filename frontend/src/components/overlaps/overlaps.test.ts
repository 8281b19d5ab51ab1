import { describe, expect, it, vi } from 'vitest';

import type { Hotspot, Overlap, OverlapMatrix } from '../../api.ts';
import { emptyFilters } from '../../filters.ts';
import {
  abbreviate,
  heatColour,
  hotspotFeatures,
  hotspotReason,
  hotspotScore,
  matrixModel,
  overlapFeatures,
  overlapPoints,
  pairKey,
  pairOverlaps,
  placeText,
  rampSteps,
  scoreBand,
  tabAfter,
} from './overlaps.ts';

function side(id: number, org: number, point?: [number, number]) {
  return {
    id,
    title: `Activity ${id}`,
    status: 'implementation',
    start_date: '2024-01-01',
    end_date: '2027-01-01',
    organisation: { id: org, name: `Org ${org}`, constituency: 'research' },
    location: 'Nairobi',
    country_wide: false,
    point,
    href: `/collections/activities/items/${id}`,
  };
}

function overlap(partial: Partial<Overlap> = {}): Overlap {
  return {
    a: side(1, 10, [36.8, -1.3]),
    b: side(2, 20, [36.82, -1.28]),
    score: 88.4,
    place_tier: 'near',
    place: 'Nairobi',
    country: 'KE',
    distance_km: 3.2,
    same_place: false,
    active_now: true,
    period: { start: '2024-01-01', end: '2027-01-01' },
    reason: 'Both work on resilience near Nairobi',
    reasons: [],
    themes: ['resilience'],
    theme_names: ['Urban resilience'],
    ...partial,
  };
}

describe('tabAfter', () => {
  it('moves with the arrows, wrapping, and jumps with Home and End', () => {
    expect(tabAfter('ranked', 'ArrowRight')).toBe('matrix');
    expect(tabAfter('hotspots', 'ArrowRight')).toBe('ranked');
    expect(tabAfter('ranked', 'ArrowLeft')).toBe('hotspots');
    expect(tabAfter('matrix', 'Home')).toBe('ranked');
    expect(tabAfter('matrix', 'End')).toBe('hotspots');
    expect(tabAfter('matrix', 'Enter')).toBeUndefined();
  });
});

describe('placeText and overlapPoints', () => {
  it('says how far apart, or that they share the place or the country', () => {
    const name = (c: string) => (c === 'KE' ? 'Kenya' : c);
    expect(placeText(overlap(), name)).toBe('3 km apart · near Nairobi');
    expect(placeText(overlap({ distance_km: 0.42 }), name)).toBe('0.4 km apart · near Nairobi');
    expect(placeText(overlap({ same_place: true, distance_km: 0 }), name)).toBe('Same place · Nairobi');
    expect(placeText(overlap({ place_tier: 'same_country', place: 'Kenya', distance_km: null }), name)).toBe(
      'Same country · both country-wide in Kenya',
    );
    expect(placeText(overlap({ place_tier: 'in_country', place: 'Kenya', distance_km: null }), name)).toBe(
      'Same country · one country-wide, one in Kenya',
    );
  });

  it('gives both points, one when they coincide, none without', () => {
    expect(overlapPoints(overlap())).toEqual([
      [36.8, -1.3],
      [36.82, -1.28],
    ]);
    expect(overlapPoints(overlap({ b: side(2, 20, [36.8, -1.3]) }))).toEqual([[36.8, -1.3]]);
    expect(overlapPoints(overlap({ a: side(1, 10), b: side(2, 20) }))).toEqual([]);
  });

  it('draws a line between two points, a point where they coincide, nothing without', () => {
    const fc = overlapFeatures([overlap(), overlap({ b: side(2, 20, [36.8, -1.3]) }), overlap({ a: side(1, 10), b: side(2, 20) })]);
    expect(fc.features.map((f) => f.geometry.type)).toEqual(['LineString', 'Point']);
    expect(fc.features[0].properties).toEqual({ score: 88.4, reason: 'Both work on resilience near Nairobi', a: 1, b: 2 });
  });

  it('shades the score', () => {
    expect([scoreBand(100), scoreBand(80), scoreBand(79.9), scoreBand(60), scoreBand(12)]).toEqual(['high', 'high', 'medium', 'medium', 'low']);
  });
});

describe('matrixModel', () => {
  const m: OverlapMatrix = {
    overlaps: 9,
    organisations: [
      { id: 1, name: 'Alpha', constituency: 'research' },
      { id: 2, name: 'Beta', constituency: 'foundation' },
      { id: 3, name: 'Gamma', constituency: 'multilateral' },
      { id: 4, name: 'Delta (no cell)', constituency: 'multilateral' },
    ],
    cells: [
      { a: 1, b: 2, overlaps: 2, best_score: 80, themes: [] },
      { a: 2, b: 3, overlaps: 6, best_score: 90, themes: [] },
      { a: 1, b: 3, overlaps: 1, best_score: 50, themes: [] },
    ],
  };

  it('keeps the members in a cell, most overlaps first, and counts each pair once', () => {
    const model = matrixModel(m);
    expect(model.members.map((x) => [x.name, x.total])).toEqual([
      ['Beta', 8],
      ['Gamma', 7],
      ['Alpha', 3],
    ]);
    expect(model.total).toBe(9);
    expect(model.max).toBe(6);
    expect(model.counts.get(pairKey(3, 2))).toBe(6);
    expect(model.counts.get(pairKey(2, 3))).toBe(6);
    expect(model.counts.has(pairKey(1, 4))).toBe(false);
  });

  it('is empty without cells', () => {
    expect(matrixModel({ overlaps: 0, organisations: m.organisations, cells: [] })).toMatchObject({ members: [], total: 0, max: 0 });
  });
});

describe('abbreviate', () => {
  it('keeps short names and makes initials of long ones', () => {
    expect(abbreviate('Amberline Trust (demo)')).toBe('Amberline Trust');
    expect(abbreviate('Concord Development Bank for Cities (demo)')).toBe('CDBC');
    expect(abbreviate('Collectif des Quartiers Solidaires Kanvo')).toBe('CQSK');
    expect(abbreviate('Estavia Ministry of Foreign Affairs, Cities Desk')).toBe('EMFACD');
  });
});

describe('heatColour', () => {
  const lum = (hex: string) => {
    const n = parseInt(hex.slice(1), 16);
    return 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  };

  it('runs from light to dark with readable text', () => {
    const shades = [1, 2, 5, 10, 30].map((n) => heatColour(n, 30));
    for (let i = 1; i < shades.length; i++) expect(lum(shades[i].background)).toBeLessThan(lum(shades[i - 1].background));
    expect(shades[0]).toEqual({ background: '#fdecd9', color: '#1f2a33' });
    expect(shades[4]).toEqual({ background: '#7f2704', color: '#ffffff' });
    expect(heatColour(1, 1).background).toBe('#fdecd9');
  });

  it('labels the ramp with 1, the largest and steps between', () => {
    expect(rampSteps(1)).toEqual([1]);
    expect(rampSteps(30)[0]).toBe(1);
    expect(rampSteps(30).at(-1)).toBe(30);
    expect(rampSteps(2)).toEqual([1, 2]);
  });
});

describe('hotspots on the map', () => {
  const h: Hotspot = {
    place: 'Dhaka',
    place_id: 1185241,
    country: 'BD',
    point: [90.4, 23.7],
    theme: 'urban_planning',
    theme_name: 'Urban planning',
    day: '2024-03-05',
    member_count: 4,
    members: [],
    activities: [],
  };

  it('are points with a score (radius) and a reason (tooltip)', () => {
    expect(hotspotScore(h)).toBe(100);
    expect(hotspotScore({ member_count: 3 })).toBe(85);
    expect(hotspotReason(h)).toBe('4 members on urban planning in Dhaka');
    const fc = hotspotFeatures([h]);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].geometry).toEqual({ type: 'Point', coordinates: [90.4, 23.7] });
    expect(fc.features[0].properties).toMatchObject({ score: 100, reason: '4 members on urban planning in Dhaka' });
  });
});

describe('pairOverlaps', () => {
  it('reads the overlaps of the member with fewer and keeps those the other leads, page by page', async () => {
    const urls: string[] = [];
    const page = (offset: number) => ({
      numberMatched: 250,
      numberReturned: offset === 0 ? 200 : 50,
      overlaps: Array.from({ length: offset === 0 ? 200 : 50 }, (_, i) =>
        overlap({ a: side(1000 + offset + i, 7), b: side(2000 + offset + i, (offset + i) % 5 === 0 ? 9 : 8) }),
      ),
    });
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const offset = Number(new URL(url, 'http://x').searchParams.get('offset') ?? 0);
      return new Response(JSON.stringify(page(offset)), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    try {
      const got = await pairOverlaps(
        { id: 9, name: 'Nine', constituency: '', total: 500 },
        { id: 7, name: 'Seven', constituency: '', total: 250 },
        50,
        { ...emptyFilters(), theme: ['resilience'] },
      );
      expect(urls[0]).toBe('/organisations/7/overlaps?theme=resilience&limit=200&offset=0');
      expect(urls).toHaveLength(2);
      expect(got.complete).toBe(true);
      expect(got.overlaps).toHaveLength(50);
      expect(got.overlaps.every((o) => o.b.organisation.id === 9)).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
