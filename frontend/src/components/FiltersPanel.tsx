/**
 * The filters: every facet the server filters on, with how many activities
 * each choice would give (counted with the other filters applied), a
 * period slider, a budget range and free text. Everything else on the page
 * follows what is set here.
 */
import { useEffect, useState } from 'preact/hooks';

import { exportURL, getJSON, stats, type StatsGroup } from '../api.ts';
import {
  activeFilterCount,
  emptyFilters,
  filterParams,
  periodOf,
  periodParam,
  toggle,
  without,
  type Filters,
  type ListKey,
} from '../filters.ts';
import { formatCount, plural } from '../format.ts';
import { update, useView } from '../viewstore.ts';
import { FACETS, useVocab, type Facet } from '../vocab.ts';
import { ErrorNote, Slider, useAsync } from './common.tsx';

const FACET_NAMES: Record<Facet, string> = {
  organisation: 'Member',
  constituency: 'Constituency',
  programme_type: 'Programme type',
  theme: 'Theme',
  status: 'Status',
  region: 'Region',
  country: 'Country',
};

const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'SEK', 'KES', 'INR', 'BRL', 'ZAR', 'PHP', 'XOF'];

function setFilters(f: Filters): void {
  // A new filter keeps the map where it is and closes a selection it may hide.
  update({ filters: f });
}

export function FiltersPanel({ onClose }: { onClose(): void }) {
  const { filters } = useView();
  const { vocab, error } = useVocab();
  const key = filterParams(filters).toString();
  const total = useAsync(`total?${key}`, (signal) => stats(filters, undefined, signal), 150);
  const n = activeFilterCount(filters);

  return (
    <aside id="filters" class="filters" aria-label="Filters">
      <div class="filters-head">
        <h2>Filters</h2>
        <p class="match-count" aria-live="polite" data-testid="match-count">
          {total.data
            ? `${plural(total.data.total.activity_count, 'activity', 'activities')} match`
            : total.state === 'error'
              ? 'Cannot count with these filters'
              : 'Counting…'}
        </p>
        <button type="button" class="link" disabled={n === 0} onClick={() => setFilters(emptyFilters())}>
          Clear all
        </button>
        <button type="button" class="close" aria-label="Close filters" onClick={onClose}>
          ×
        </button>
      </div>
      {error && <ErrorNote error={error} />}
      {total.state === 'error' && <ErrorNote error={total.error} retry={total.retry} />}
      {/* Typing commits after a pause: apply it to the filters as they are then, not as they were. */}
      <TextFilter value={filters.q} onChange={(q) => update((v) => ({ filters: { ...v.filters, q } }))} />
      <PeriodFilter filters={filters} />
      {FACETS.map((facet) => (
        <FacetFilter key={facet} facet={facet} options={vocab[facet] ?? []} filters={filters} />
      ))}
      <BudgetFilter filters={filters} />
      <div class="export" role="group" aria-label="Download the filtered activities">
        <span>Download {total.data ? formatCount(total.data.total.activity_count) : ''} activities:</span>
        <a class="button" href={exportURL(filters, 'csv')} download="commonground-activities.csv" data-testid="export-csv">
          CSV
        </a>
        <a class="button" href={exportURL(filters, 'geojson')} download="commonground-activities.geojson">
          GeoJSON
        </a>
      </div>
    </aside>
  );
}

function TextFilter({ value, onChange }: { value: string; onChange(q: string): void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => onChange(text.trim()), 400);
    return () => clearTimeout(t);
  }, [text]);
  return (
    <label class="field">
      <span>Words in title or description</span>
      <input
        type="search"
        value={text}
        placeholder='e.g. tenure -pilot "green space"'
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && onChange(text.trim())}
      />
    </label>
  );
}

/** One facet: a checkbox per code, with the count it would give; long lists can be narrowed. */
function FacetFilter({ facet, options, filters }: { facet: Facet; options: StatsGroup[]; filters: Filters }) {
  const key: ListKey = facet;
  const selected = filters[key];
  const [narrow, setNarrow] = useState('');
  const [open, setOpen] = useState(selected.length > 0 || facet === 'theme');
  const base = without(filters, key);
  const baseKey = filterParams(base).toString();
  // Counts with the other filters applied; without any, the vocabulary's own counts.
  const needCounts = open && baseKey !== '';
  const counts = useAsync(
    needCounts ? `${facet}?${baseKey}` : '',
    (signal) => (needCounts ? stats(base, facet, signal) : Promise.resolve(undefined)),
    100,
  );
  const groups = needCounts ? counts.data?.groups : options;
  const countOf = new Map((groups ?? []).map((g) => [g.key, g.activity_count]));
  const shown = options.filter((o) => narrow === '' || o.label.toLowerCase().includes(narrow.toLowerCase()) || selected.includes(o.key));
  return (
    <details class="facet" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        {FACET_NAMES[facet]}
        {selected.length > 0 && <span class="pill">{selected.length}</span>}
      </summary>
      {options.length > 10 && (
        <input
          type="search"
          class="narrow"
          aria-label={`Find a ${FACET_NAMES[facet].toLowerCase()}`}
          placeholder={`Find a ${FACET_NAMES[facet].toLowerCase()}…`}
          value={narrow}
          onInput={(e) => setNarrow(e.currentTarget.value)}
        />
      )}
      <ul class={options.length > 10 ? 'options scroll' : 'options'} data-facet={facet}>
        {shown.map((o) => {
          const count = countOf.get(o.key) ?? 0;
          return (
            <li key={o.key}>
              <label class={count === 0 && !selected.includes(o.key) ? 'none' : ''}>
                <input
                  type="checkbox"
                  name={facet}
                  value={o.key}
                  checked={selected.includes(o.key)}
                  onChange={() => setFilters(toggle(filters, key, o.key))}
                />
                <span class="option-label">{o.label}</span>
                <span class="count">{groups ? formatCount(count) : ''}</span>
              </label>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

interface Extent {
  extent?: { temporal?: { interval?: [string | null, string | null][] } };
}

/** The period: two sliders over the years the activities span. */
function PeriodFilter({ filters }: { filters: Filters }) {
  const extent = useAsync('extent', (signal) => getJSON<Extent>('/collections/activities', signal));
  const interval = extent.data?.extent?.temporal?.interval?.[0];
  const now = new Date().getFullYear();
  const minYear = interval?.[0] ? Number(interval[0].slice(0, 4)) : now - 10;
  const maxYear = interval?.[1] ? Number(interval[1].slice(0, 4)) : now + 5;
  const { from, to } = periodOf(filters.datetime);
  const fromYear = from ? Number(from.slice(0, 4)) : minYear;
  const toYear = to ? Number(to.slice(0, 4)) : maxYear;
  const [draft, setDraft] = useState<[number, number]>([fromYear, toYear]);
  useEffect(() => setDraft([fromYear, toYear]), [fromYear, toYear, minYear, maxYear]);

  const commit = (a: number, b: number) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const datetime = periodParam(lo > minYear ? `${lo}-01-01` : '', hi < maxYear ? `${hi}-12-31` : '');
    if (datetime !== filters.datetime) setFilters({ ...filters, datetime });
  };
  const [a, b] = draft;
  const label = a <= minYear && b >= maxYear ? 'Any time' : `${Math.min(a, b)} – ${Math.max(a, b)}`;
  return (
    <fieldset class="field period">
      <legend>
        Active between <output data-testid="period">{label}</output>
      </legend>
      <Slider min={minYear} max={maxYear} step={1} value={a} label="From year" onMove={(v) => setDraft([v, b])} onSet={(v) => commit(v, b)} />
      <Slider min={minYear} max={maxYear} step={1} value={b} label="To year" onMove={(v) => setDraft([a, v])} onSet={(v) => commit(a, v)} />
    </fieldset>
  );
}

function BudgetFilter({ filters }: { filters: Filters }) {
  const [min, setMin] = useState(filters.budget_min);
  const [max, setMax] = useState(filters.budget_max);
  const [currency, setCurrency] = useState(filters.budget_currency || 'USD');
  useEffect(() => {
    setMin(filters.budget_min);
    setMax(filters.budget_max);
    setCurrency(filters.budget_currency || 'USD');
  }, [filters.budget_min, filters.budget_max, filters.budget_currency]);
  const apply = (e: Event) => {
    e.preventDefault();
    setFilters({ ...filters, budget_min: min.trim(), budget_max: max.trim(), budget_currency: currency === 'USD' ? '' : currency });
  };
  return (
    <form class="field budget" onSubmit={apply}>
      <fieldset>
        <legend>Budget</legend>
        <input type="number" min="0" step="any" inputMode="numeric" placeholder="min" aria-label="Smallest budget" value={min} onInput={(e) => setMin(e.currentTarget.value)} />
        <span aria-hidden="true">–</span>
        <input type="number" min="0" step="any" inputMode="numeric" placeholder="max" aria-label="Largest budget" value={max} onInput={(e) => setMax(e.currentTarget.value)} />
        <select aria-label="Currency of the range" value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
          {CURRENCIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <button type="submit" class="button">
          Apply
        </button>
      </fieldset>
      <p class="hint">Budgets in other currencies are converted at indicative rates to compare.</p>
    </form>
  );
}
