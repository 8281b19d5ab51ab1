import { beforeAll, describe, expect, it, vi } from 'vitest';

import type { StatsGroup } from '../api.ts';

// StatsView.tsx reaches the store, which reads the page's URL when loaded.
vi.stubGlobal('location', { search: '', pathname: '/', hash: '' });
vi.stubGlobal('window', { addEventListener() {}, history: { pushState() {}, replaceState() {} } });

let m: typeof import('./StatsView.tsx');
beforeAll(async () => {
  m = await import('./StatsView.tsx');
});

function group(key: string, label: string, activity_count: number, budgets: [string, number][] = []): StatsGroup {
  return { key, label, activity_count, organisation_count: 1, budgets: budgets.map(([currency, amount]) => ({ currency, amount })) };
}

describe('yearRows', () => {
  it('puts the years in order and fills the gaps with zero', () => {
    const { rows, undated } = m.yearRows([group('2024', '2024', 9), group('2020', '2020', 3), group('2022', '2022', 5)]);
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['2020', 3],
      ['2021', 0],
      ['2022', 5],
      ['2023', 0],
      ['2024', 9],
    ]);
    expect(undated).toBe(0);
  });

  it('counts activities without a start date apart', () => {
    const { rows, undated } = m.yearRows([group('', '', 4), group('2019', '2019', 1)]);
    expect(rows).toEqual([{ key: '2019', label: '2019', value: 1 }]);
    expect(undated).toBe(4);
  });

  it('has no rows without groups', () => {
    expect(m.yearRows(undefined)).toEqual({ rows: [], undated: 0 });
  });
});

describe('countRows', () => {
  it('keeps the server order and drops keyless groups', () => {
    expect(m.countRows([group('142', 'Asia', 5), group('', '', 2), group('002', 'Africa', 3)])).toEqual([
      { key: '142', label: 'Asia', value: 5 },
      { key: '002', label: 'Africa', value: 3 },
    ]);
  });
});

describe('budgetRows', () => {
  const groups = [
    group('142', 'Asia', 5, [['JPY', 900], ['USD', 20]]),
    group('002', 'Africa', 3, [['USD', 50], ['KES', 70]]),
    group('150', 'Europe', 2, [['EUR', 10]]),
  ];
  it('gives one currency, largest first, without groups that have none in it', () => {
    expect(m.budgetRows(groups, 'USD')).toEqual([
      { key: '002', label: 'Africa', value: 50 },
      { key: '142', label: 'Asia', value: 20 },
    ]);
    expect(m.budgetRows(groups, 'GBP')).toEqual([]);
  });
});

describe('chooseCurrency', () => {
  const budgets = [
    { currency: 'JPY', amount: 1000 },
    { currency: 'USD', amount: 10 },
  ];
  it('keeps the chosen currency while it is there, else USD, else the first', () => {
    expect(m.chooseCurrency(budgets, 'JPY')).toBe('JPY');
    expect(m.chooseCurrency(budgets, 'EUR')).toBe('USD');
    expect(m.chooseCurrency(budgets)).toBe('USD');
    expect(m.chooseCurrency([{ currency: 'KES', amount: 1 }])).toBe('KES');
    expect(m.chooseCurrency([])).toBe('');
  });
});

describe('labels', () => {
  it('cuts long labels with an ellipsis', () => {
    expect(m.truncate('Urban resilience')).toBe('Urban resilience');
    expect(m.truncate('Local government association', 12)).toBe('Local gover…');
  });

  it('fits a label to a width', () => {
    const perChar = (t: string) => t.length * 7;
    expect(m.fitLabel('Gender equality', 200, perChar)).toBe('Gender equality');
    const cut = m.fitLabel('Informal settlement upgrading', 140, perChar);
    expect(cut.endsWith('…')).toBe(true);
    expect(perChar(cut)).toBeLessThanOrEqual(140);
    expect('Informal settlement upgrading'.startsWith(cut.slice(0, -1))).toBe(true);
  });
});
