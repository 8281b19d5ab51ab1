/**
 * Colours of activities by theme (the server's style colours them by the
 * lead's constituency; the legend reads those from the style itself, so the
 * two never disagree).
 */

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
export const FALLBACK_COLOUR = '#7f7f7f';

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
  if (!Array.isArray(expr) || expr[0] !== 'match') return [];
  const pairs: [string, string][] = [];
  for (let i = 2; i + 1 < expr.length; i += 2) {
    const k = expr[i];
    const c = expr[i + 1];
    if (typeof k === 'string' && typeof c === 'string') pairs.push([k, c]);
  }
  return pairs;
}
