import { describe, expect, it } from 'vitest';

import {
  activeFilterCount,
  emptyFilters,
  filterParams,
  parseFilters,
  periodOf,
  periodParam,
  sameFilters,
  toggle,
  without,
} from './filters.ts';

describe('filter serialisation', () => {
  it('writes nothing for the empty filter', () => {
    expect(filterParams(emptyFilters()).toString()).toBe('');
    expect(activeFilterCount(emptyFilters())).toBe(0);
  });

  it('writes lists comma-separated, in a fixed order, under the server parameter names', () => {
    const f = { ...emptyFilters(), theme: ['resilience', 'gender'], country: ['KE'], q: 'tenure -pilot' };
    const other = { ...emptyFilters(), q: 'tenure -pilot', country: ['KE'], theme: ['resilience', 'gender'] };
    expect(filterParams(f).toString()).toBe('theme=resilience%2Cgender&country=KE&q=tenure+-pilot');
    expect(sameFilters(f, other)).toBe(true);
    expect(activeFilterCount(f)).toBe(3);
  });

  it('reads repeated and comma-separated values, trimmed and without repeats', () => {
    const f = parseFilters(new URLSearchParams('theme=resilience,%20gender&theme=resilience&theme=&status=implementation'));
    expect(f.theme).toEqual(['resilience', 'gender']);
    expect(f.status).toEqual(['implementation']);
    expect(f.country).toEqual([]);
  });

  it('ignores parameters that are not filters', () => {
    const f = parseFilters(new URLSearchParams('map=3/0/10&panel=stats&selected=activity/3&limit=5'));
    expect(filterParams(f).toString()).toBe('');
  });

  it('round-trips every kind of filter', () => {
    const f = {
      ...emptyFilters(),
      organisation: ['3', '12'],
      programme: ['4'],
      constituency: ['foundation'],
      programme_type: ['country_programme'],
      theme: ['resilience'],
      status: ['implementation', 'pipeline'],
      country: ['KE', 'UG'],
      region: ['014'],
      datetime: '2024-01-01/..',
      budget_min: '100000',
      budget_max: '5000000',
      budget_currency: 'EUR',
      q: '"green space"',
    };
    expect(parseFilters(filterParams(f))).toEqual(f);
  });

  it('keeps a budget currency only with a budget range', () => {
    const f = { ...emptyFilters(), budget_currency: 'EUR' };
    expect(filterParams(f).toString()).toBe('');
    expect(parseFilters(new URLSearchParams('budget_currency=EUR')).budget_currency).toBe('');
    expect(filterParams({ ...f, budget_min: '10' }).toString()).toBe('budget_min=10&budget_currency=EUR');
    expect(activeFilterCount({ ...f, budget_min: '10', budget_max: '20' })).toBe(1);
  });

  it('toggles a value and clears one facet', () => {
    let f = toggle(emptyFilters(), 'theme', 'gender');
    f = toggle(f, 'theme', 'resilience');
    expect(f.theme).toEqual(['gender', 'resilience']);
    f = toggle(f, 'theme', 'gender');
    expect(f.theme).toEqual(['resilience']);
    const g = without({ ...f, q: 'water' }, 'theme');
    expect(g.theme).toEqual([]);
    expect(g.q).toBe('water');
    expect(without(g, 'q').q).toBe('');
  });

  it('writes and reads periods with open ends', () => {
    expect(periodParam('', '')).toBe('');
    expect(periodParam('2024-01-01', '')).toBe('2024-01-01/..');
    expect(periodParam('', '2025-12-31')).toBe('../2025-12-31');
    expect(periodParam('2024-01-01', '2025-12-31')).toBe('2024-01-01/2025-12-31');
    expect(periodOf('2024-01-01/..')).toEqual({ from: '2024-01-01', to: '' });
    expect(periodOf('../2025-12-31T00:00:00Z')).toEqual({ from: '', to: '2025-12-31' });
    expect(periodOf('2024-05-01')).toEqual({ from: '2024-05-01', to: '2024-05-01' });
    expect(periodOf('')).toEqual({ from: '', to: '' });
  });
});
