/**
 * The app's own palette: every colour the app draws that the server's style
 * (api/style.go) does not. What the style draws is read from the style
 * itself once it has loaded (mapview.ts: the constituency colours of the
 * activities, the country shading by activities and the land colour), so
 * the two never disagree. INK, MUTED and ACCENT are app.css's --ink, --muted
 * and --accent (colours.test.ts holds them equal).
 */

/** Text, and the ring round a hovered activity. */
export const INK = '#1f2a33';
/** Secondary text and axis ticks. */
export const MUTED = '#56636e';
/** The overlaps on the map (lines, points, the selected ring) and the start-year bars. */
export const ACCENT = '#b4531d';
/** Text on a dark heatmap cell. */
export const WHITE = '#ffffff';
/** A circle with a stroke only. */
export const TRANSPARENT = 'rgba(0,0,0,0)';
/** Chart grid lines and the category axis. */
export const CHART_GRID = '#e6e9ec';
/** Bars of the region chart, and of constituencies before the style's colours are known. */
export const REGION_COLOUR = '#3d6e8f';
/** Bars of the budget chart by region. */
export const BUDGET_COLOUR = '#4f7a3a';
/** A lead member's dot while its constituency has no colour (the style not loaded yet). */
export const UNKNOWN_DOT = '#9aa3ab';

/** One colour per theme of the alliance vocabulary; other codes get the fallback. */
export const THEME_COLOURS: Record<string, string> = {
  resilience: '#1f77b4',
  informal_settlements: '#ff7f0e',
  climate_adaptation: '#2ca02c',
  local_governance: '#d62728',
  municipal_finance: '#9467bd',
  migration_displacement: '#8c564b',
  urban_crisis_response: '#e377c2',
  basic_services: '#17becf',
  land_housing: '#bcbd22',
  urban_planning: '#393b79',
  gender: '#ad494a',
  youth_jobs: '#637939',
  public_space: '#6baed6',
  data_monitoring: '#7b4173',
};
/** A theme without a colour of its own (as grey as the style's activity without a constituency). */
export const FALLBACK_COLOUR = '#7f7f7f';

/** A theme's colour (FALLBACK_COLOUR for a code without one). */
export function themeColour(code: string): string {
  return THEME_COLOURS[code] ?? FALLBACK_COLOUR;
}

/** The member x member heatmap, light to dark (ColorBrewer Oranges, the hue of the overlaps on the map). */
export const HEAT_RAMP = ['#fdecd9', '#fdd0a2', '#fdae6b', '#fd8d3c', '#e6550d', '#b5420a', '#7f2704'];

/**
 * Country shading by distinct members, light to dark, as [members, colour]
 * stops from one member up (no members: the style's land colour). The
 * shading by activities is the style's own.
 */
export const MEMBER_RAMP: [number, string][] = [
  [1, '#ece4f2'],
  [2, '#d3c2e3'],
  [4, '#ae93cc'],
  [8, '#8665b0'],
  [16, '#5e3f8f'],
];

/** The red, green and blue of "#rrggbb". */
export function hexRGB(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** "#rrggbb" at `alpha` opacity: "rgba(r, g, b, alpha)". */
export function withAlpha(hex: string, alpha: number): string {
  return `rgba(${hexRGB(hex).join(', ')}, ${alpha})`;
}

/** The circle colour of an activity by its first (main) theme, as a MapLibre expression. */
export function themeColourExpression(): unknown[] {
  const first = [
    'let',
    't',
    ['coalesce', ['get', 'themes'], ''],
    [
      'let',
      'i',
      ['index-of', ',', ['var', 't']],
      ['case', ['>=', ['var', 'i'], 0], ['slice', ['var', 't'], 0, ['var', 'i']], ['var', 't']],
    ],
  ];
  const match: unknown[] = ['match', first];
  for (const [code, colour] of Object.entries(THEME_COLOURS)) match.push(code, colour);
  match.push(FALLBACK_COLOUR);
  return match;
}

/**
 * The [code, colour] pairs of a `match` expression on one property, as the
 * server's style writes them (["match", ["get", "constituency"], k1, c1, ..., fallback]).
 */
export function matchPairs(expr: unknown): [string, string][] {
  return pairsFrom(expr, 'match', 2, (k): k is string => typeof k === 'string');
}

/**
 * The [stop, colour] pairs of an `interpolate` expression, as the server's
 * style writes its country shading (["interpolate", ["linear"], input, 0, c0, 1, c1, ...]).
 */
export function interpolateStops(expr: unknown): [number, string][] {
  return pairsFrom(expr, 'interpolate', 3, (k): k is number => typeof k === 'number');
}

/** The (key, colour) pairs of expression `op` from index `from` on. */
function pairsFrom<K>(expr: unknown, op: string, from: number, isKey: (k: unknown) => k is K): [K, string][] {
  if (!Array.isArray(expr) || expr[0] !== op) return [];
  const pairs: [K, string][] = [];
  for (let i = from; i + 1 < expr.length; i += 2) {
    const k = expr[i];
    const c = expr[i + 1];
    if (isKey(k) && typeof c === 'string') pairs.push([k, c]);
  }
  return pairs;
}
