/**
 * The Stats panel: headline figures and bar charts of the filtered
 * activities, from /stats (one request per breakdown, in parallel). Budgets
 * are totals per currency as the server gives them, never converted, so the
 * budget chart shows one currency at a time. Clicking a region, theme or
 * constituency bar toggles that filter, so the charts are one more way in.
 *
 * Chart.js is loaded when the panel first opens (it is no part of the map's
 * first load) and tree-shaken: only the bar chart's pieces are registered.
 */
import type { Chart, ChartConfiguration, Plugin, Scale } from 'chart.js';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

import { stats, type GroupBy, type Money, type Stats, type StatsGroup } from '../api.ts';
import { ACCENT, BUDGET_COLOUR, CHART_GRID, INK, MUTED, REGION_COLOUR, themeColour } from '../colours.ts';
import { activeFilterCount, emptyFilters, filterParams, toggle, type Filters, type ListKey } from '../filters.ts';
import { formatCompact, formatCount, formatMoney, plural } from '../format.ts';
import { useConstituencyColours } from '../mapcontext.ts';
import { update } from '../viewstore.ts';
import { Empty, ErrorNote, Loading, useAsync, type Async } from './common.tsx';
import './stats.css';

let chartLib: Promise<typeof Chart> | undefined;

/** Chart.js with what a bar chart needs registered, loaded once. */
function loadChart(): Promise<typeof Chart> {
  chartLib ??= import('chart.js').then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip }) => {
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
    return Chart;
  });
  chartLib.catch(() => {
    chartLib = undefined; // let a later chart try again
  });
  return chartLib;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/** Category labels longer than this are cut (the tooltip and the table have them whole). */
const LABEL_MAX = 22;
/** Currencies named in the headline before "more". */
const HEADLINE_CURRENCIES = 3;

export type ChartKind = 'region' | 'theme' | 'constituency' | 'start_year' | 'budget';

/** One bar: its group code, what it is called, and its value. */
export interface Row {
  key: string;
  label: string;
  value: number;
}

// ---------------------------------------------------------------- pure helpers (tested)

/** "Informal settlement up…": at most `max` characters. */
export function truncate(s: string, max = LABEL_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** `s`, cut with "…" to fit `maxPx` as `measure` measures text. */
export function fitLabel(s: string, maxPx: number, measure: (t: string) => number): string {
  if (measure(s) <= maxPx) return s;
  for (let n = Math.min(s.length - 1, LABEL_MAX); n > 1; n--) {
    const t = truncate(s, n);
    if (measure(t) <= maxPx) return t;
  }
  return truncate(s, 2);
}

/** Activities per group, in the server's order (most first). Groups without a key are left out. */
export function countRows(groups: StatsGroup[] | undefined): Row[] {
  return (groups ?? []).filter((g) => g.key !== '').map((g) => ({ key: g.key, label: g.label, value: g.activity_count }));
}

/**
 * Activities per start year, oldest first, with the years between that have
 * none as zero (a time axis, not a ranking). Activities without a start
 * date are counted apart.
 */
export function yearRows(groups: StatsGroup[] | undefined): { rows: Row[]; undated: number } {
  const byYear = new Map<number, number>();
  let undated = 0;
  for (const g of groups ?? []) {
    const y = Number(g.key);
    if (g.key === '' || !Number.isInteger(y)) undated += g.activity_count;
    else byYear.set(y, (byYear.get(y) ?? 0) + g.activity_count);
  }
  if (byYear.size === 0) return { rows: [], undated };
  const years = [...byYear.keys()];
  const first = Math.min(...years);
  const last = Math.max(...years);
  const rows: Row[] = [];
  for (let y = first; y <= last; y++) rows.push({ key: String(y), label: String(y), value: byYear.get(y) ?? 0 });
  return { rows, undated };
}

/** The budget total in `currency` per group, largest first; groups with none in it are left out. */
export function budgetRows(groups: StatsGroup[] | undefined, currency: string): Row[] {
  const rows: Row[] = [];
  for (const g of groups ?? []) {
    const amount = g.budgets.find((b) => b.currency === currency)?.amount ?? 0;
    if (g.key !== '' && amount > 0) rows.push({ key: g.key, label: g.label, value: amount });
  }
  return rows.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

/** The currency the budget chart starts with: `wanted` if present, else USD, else the first the server lists. */
export function chooseCurrency(budgets: Money[], wanted = ''): string {
  const present = budgets.map((b) => b.currency);
  if (wanted && present.includes(wanted)) return wanted;
  if (present.includes('USD')) return 'USD';
  return present[0] ?? '';
}

// ---------------------------------------------------------------- the view

const STATS_CHARTS = ['region', 'theme', 'constituency', 'start_year'] as const satisfies readonly GroupBy[];

export function StatsView({ filters }: { filters: Filters }) {
  const key = filterParams(filters).toString();
  useEffect(() => void loadChart().catch(() => {}), []); // alongside the first requests
  const region = useAsync(`region?${key}`, (signal) => stats(filters, 'region', signal));
  const theme = useAsync(`theme?${key}`, (signal) => stats(filters, 'theme', signal));
  const constituency = useAsync(`constituency?${key}`, (signal) => stats(filters, 'constituency', signal));
  const years = useAsync(`start_year?${key}`, (signal) => stats(filters, 'start_year', signal));
  const all = { region, theme, constituency, start_year: years };
  const loads = STATS_CHARTS.map((k) => all[k]);

  // The headline: any answer for these filters has the same total.
  const current = loads.find((l) => l.state === 'done') ?? loads.find((l) => l.data);
  const total = current?.data?.total;
  const updating = loads.some((l) => l.state === 'loading');
  const failed = loads.find((l) => l.state === 'error') as (Async<Stats> & { retry(): void; state: 'error' }) | undefined;
  const filtered = activeFilterCount(filters) > 0;
  const retryFailed = () => loads.forEach((l) => l.state === 'error' && l.retry());

  return (
    <div class={`stats${updating && total ? ' updating' : ''}`} data-testid="stats-view" aria-busy={updating}>
      <div class="panel-head">
        <h2>Stats</h2>
        <p class="muted" aria-live="polite">
          {updating && total ? 'updating…' : filtered ? 'of the filtered activities' : 'of all public activities'}
        </p>
      </div>
      {!total && failed && <ErrorNote error={failed.error} retry={retryFailed} />}
      {!total && !failed && <Loading what="stats" />}
      {total && total.activity_count === 0 && (
        <Empty>
          No activity matches these filters.{' '}
          <button type="button" class="link" onClick={() => update({ filters: emptyFilters() })}>
            Clear all filters
          </button>
        </Empty>
      )}
      {total && total.activity_count > 0 && (
        <>
          <Headline total={total} />
          <p class="hint stats-tip">Click a region, theme, constituency or budget bar to filter by it (again to remove it).</p>
          {failed && <ErrorNote error={failed.error} retry={retryFailed} />}
          <Charts filters={filters} all={all} budgets={total.budgets} />
          <p class="hint stats-note">
            An activity in several regions, themes or constituencies counts once in each. Constituencies are those of
            every member taking part, not only the lead.
          </p>
        </>
      )}
    </div>
  );
}

function Headline({ total }: { total: StatsGroup }) {
  const [allCurrencies, setAllCurrencies] = useState(false);
  const shown = allCurrencies ? total.budgets : total.budgets.slice(0, HEADLINE_CURRENCIES);
  const more = total.budgets.length - HEADLINE_CURRENCIES;
  return (
    <section class="stats-headline" aria-label="Headline figures">
      <dl class="stats-figures">
        <div>
          <dt>Activities</dt>
          <dd data-testid="stats-activities">{formatCount(total.activity_count)}</dd>
        </div>
        <div>
          <dt>Members involved</dt>
          <dd data-testid="stats-members">{formatCount(total.organisation_count)}</dd>
        </div>
      </dl>
      <div class="stats-budgets">
        <h3>Budget totals</h3>
        {total.budgets.length === 0 ? (
          <p class="muted">No budgets stated.</p>
        ) : (
          <ul data-testid="stats-budgets">
            {shown.map((b) => (
              <li key={b.currency} title={formatMoney(b.amount, b.currency)}>
                <span class="currency">{b.currency}</span> {formatCompact(b.amount)}
              </li>
            ))}
            {more > 0 && (
              <li class="budget-more">
                <button type="button" class="link subtle" aria-expanded={allCurrencies} onClick={() => setAllCurrencies(!allCurrencies)}>
                  {allCurrencies ? 'fewer' : `+${more} more`}
                </button>
              </li>
            )}
          </ul>
        )}
        <p class="hint">Each currency is summed on its own: amounts are in their own currencies, never converted.</p>
      </div>
    </section>
  );
}

type Loads = Record<(typeof STATS_CHARTS)[number], Async<Stats>>;

function Charts({ filters, all, budgets }: { filters: Filters; all: Loads; budgets: Money[] }) {
  // The constituency colours are the map's (from the server's style), once it has loaded.
  const constituencyColours = useConstituencyColours();
  const pick = (facet: ListKey) => (key: string) => update({ filters: toggle(filters, facet, key) });
  const years = yearRows(all.start_year.data?.groups);
  /** Activities per region, theme or constituency: bars that toggle that filter. */
  const counts = (kind: 'region' | 'theme' | 'constituency', title: string, colour: (key: string) => string) => (
    <ChartSection
      kind={kind}
      title={title}
      load={all[kind]}
      rows={countRows(all[kind].data?.groups)}
      colour={colour}
      format={formatCount}
      unit="activities"
      selected={filters[kind]}
      onPick={pick(kind)}
    />
  );

  return (
    <>
      {counts('region', 'Activities by region', () => REGION_COLOUR)}
      {counts('theme', 'Activities by theme', themeColour)}
      {counts('constituency', 'Activities by members’ constituency', (key) => constituencyColours.get(key) ?? REGION_COLOUR)}
      <ChartSection
        kind="start_year"
        title="Activities by start year"
        load={all.start_year}
        rows={years.rows}
        vertical
        colour={() => ACCENT}
        format={formatCount}
        unit="activities"
        note={years.undated > 0 ? `${plural(years.undated, 'activity', 'activities')} without a start date not shown.` : undefined}
      />
      <BudgetChart filters={filters} all={all} budgets={budgets} onPick={pick} />
    </>
  );
}

/** Budget totals in one currency (chosen), by region or theme (chosen). */
function BudgetChart(props: { filters: Filters; all: Loads; budgets: Money[]; onPick(facet: ListKey): (key: string) => void }) {
  const { filters, all, budgets, onPick } = props;
  const [wantedCurrency, setCurrency] = useState('');
  const [budgetBy, setBudgetBy] = useState<'region' | 'theme'>('region');
  const currency = chooseCurrency(budgets, wantedCurrency);
  const currencies = budgets.map((b) => b.currency).sort();
  return (
    <ChartSection
      kind="budget"
      title={`Budgets in ${currency || '…'} by ${budgetBy}`}
      load={all[budgetBy]}
      rows={budgetRows(all[budgetBy].data?.groups, currency)}
      colour={(key) => (budgetBy === 'theme' ? themeColour(key) : BUDGET_COLOUR)}
      format={formatCompact}
      tooltip={(n) => formatMoney(n, currency)}
      unit={currency}
      selected={filters[budgetBy]}
      onPick={onPick(budgetBy)}
      empty={`No budget in ${currency} among these activities.`}
      controls={
        <div class="stats-controls">
          <label>
            <span>Currency</span>
            <select value={currency} onChange={(e) => setCurrency(e.currentTarget.value)} data-testid="budget-currency">
              {currencies.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <div class="stats-segmented" role="radiogroup" aria-label="Budgets by">
            {(['region', 'theme'] as const).map((b) => (
              <label key={b} class={budgetBy === b ? 'on' : ''}>
                <input type="radio" name="budget-by" value={b} checked={budgetBy === b} onChange={() => setBudgetBy(b)} />
                by {b}
              </label>
            ))}
          </div>
        </div>
      }
      note="Only activities with a budget in this currency; other currencies are not converted."
    />
  );
}

interface SectionProps extends ChartProps {
  title: string;
  load: Async<Stats> & { retry?(): void };
  controls?: ComponentChildren;
  note?: string;
  empty?: string;
}

function ChartSection({ title, load, controls, note, empty, ...chart }: SectionProps) {
  const id = `chart-${chart.kind}`;
  return (
    <section class="stats-chart" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {controls}
      {!load.data && load.state === 'loading' && <Loading what="chart" />}
      {!load.data && load.state === 'error' && <ErrorNote error={load.error} />}
      {load.data && chart.rows.length === 0 && <Empty>{empty ?? 'None among these activities.'}</Empty>}
      {load.data && chart.rows.length > 0 && <BarChart {...chart} title={title} />}
      {note && load.data && <p class="hint">{note}</p>}
    </section>
  );
}

interface ChartProps {
  kind: ChartKind;
  rows: Row[];
  colour(key: string): string;
  /** The value at the end of a bar. */
  format(n: number): string;
  /** The value in the tooltip (default: format, then unit). */
  tooltip?(n: number): string;
  unit: string;
  vertical?: boolean;
  selected?: string[];
  onPick?(key: string): void;
}

/** Pixels per horizontal bar, and the height of the year chart. */
const BAR_PX = 24;
const VERTICAL_PX = 190;
/** Room right of the longest horizontal bar for its value. */
const VALUE_ROOM = 48;

function BarChart({ kind, rows, colour, format, tooltip, unit, vertical, selected = [], onPick, title }: ChartProps & { title: string }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const picker = useRef(onPick);
  picker.current = onPick;
  const colours = rows.map((r) => colour(r.key));
  const shape = JSON.stringify([rows, colours, selected, vertical, unit]);
  const [failed, setFailed] = useState<Error | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const box = wrap.current!;
    box.dataset.rendered = 'false';
    let live = true;
    let chart: Chart<'bar', number[], string> | undefined;
    loadChart().then(
      (ChartJS) => {
        if (!live) return;
        setFailed(null);
        chart = new ChartJS(
          canvas.current!,
          barConfig({
            rows,
            colours,
            format,
            tooltip,
            unit,
            vertical,
            selected,
            clickable: !!onPick,
            picked: (i) => picker.current?.(rows[i].key),
            drawn: () => (box.dataset.rendered = 'true'),
          }),
        );
      },
      (error: Error) => live && setFailed(new Error(`The chart could not be drawn: ${error.message}`)),
    );
    return () => {
      live = false;
      chart?.destroy();
      delete box.dataset.rendered;
    };
  }, [shape, attempt]);

  const height = vertical ? VERTICAL_PX : rows.length * BAR_PX + 16;
  return (
    <div class="chart-box" data-chart={kind}>
      {failed && <ErrorNote error={failed} retry={() => setAttempt((n) => n + 1)} />}
      <div class="chart-canvas" ref={wrap} style={{ height: `${height}px` }}>
        <canvas ref={canvas} aria-hidden="true" />
      </div>
      <table class="sr-only" data-testid={`table-${kind}`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{kind === 'start_year' ? 'Start year' : kind === 'budget' ? 'Group' : 'Name'}</th>
            <th scope="col">{kind === 'budget' ? `Budget (${unit})` : 'Activities'}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <th scope="row">{r.label}</th>
              <td>{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Draws each bar's value at its end (no plugin package needed for that). */
function valueLabels(format: (n: number) => string, vertical: boolean): Plugin<'bar'> {
  return {
    id: 'cgValueLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const data = chart.data.datasets[0].data as number[];
      ctx.save();
      ctx.font = `600 11px ${FONT}`;
      ctx.fillStyle = INK;
      ctx.textAlign = vertical ? 'center' : 'left';
      ctx.textBaseline = vertical ? 'bottom' : 'middle';
      chart.getDatasetMeta(0).data.forEach((bar, i) => {
        if (!data[i]) return;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        if (vertical) ctx.fillText(format(data[i]), x, y - 3);
        else ctx.fillText(format(data[i]), x + 4, y);
      });
      ctx.restore();
    },
  };
}

interface ConfigInput {
  rows: Row[];
  colours: string[];
  format(n: number): string;
  tooltip?(n: number): string;
  unit: string;
  vertical?: boolean;
  selected: string[];
  clickable: boolean;
  picked(index: number): void;
  drawn(): void;
}

/** The category axis's labels: whole under vertical bars, cut to fit beside horizontal ones. */
function categoryTicks(vertical: boolean) {
  return {
    color: INK,
    font: { family: FONT, size: 12 },
    autoSkip: vertical,
    maxRotation: 0,
    callback(this: Scale, value: string | number) {
      const label = this.getLabelForValue(Number(value));
      if (vertical) return label;
      // Chart.js gives a side axis at most half the width left by the padding; keep within it.
      const room = Math.min(170, (this.chart.width - VALUE_ROOM) / 2 - 16);
      const ctx = this.ctx;
      ctx.save();
      ctx.font = `12px ${FONT}`;
      const fitted = fitLabel(label, room, (t) => ctx.measureText(t).width);
      ctx.restore();
      return fitted;
    },
  };
}

function barConfig(c: ConfigInput): ChartConfiguration<'bar', number[], string> {
  const valueAxis = {
    type: 'linear' as const,
    // The bars carry their values.
    display: false,
    beginAtZero: true,
    border: { display: false },
    grid: { color: CHART_GRID },
    ticks: { color: MUTED, font: { family: FONT, size: 11 }, precision: 0, maxTicksLimit: 5 },
  };
  const categoryAxis = { type: 'category' as const, grid: { display: false }, border: { color: CHART_GRID }, ticks: categoryTicks(!!c.vertical) };
  const tip = c.tooltip ?? ((n: number) => `${formatCount(n)} ${c.unit}`);
  return {
    type: 'bar',
    data: {
      labels: c.rows.map((r) => r.label),
      datasets: [
        {
          data: c.rows.map((r) => r.value),
          backgroundColor: c.colours,
          hoverBackgroundColor: c.colours.map((x) => `${x}cc`),
          borderColor: c.rows.map((r) => (c.selected.includes(r.key) ? INK : 'transparent')),
          borderWidth: c.rows.map((r) => (c.selected.includes(r.key) ? 2 : 0)),
          borderRadius: 3,
          borderSkipped: false,
          maxBarThickness: c.vertical ? 28 : 18,
          categoryPercentage: 0.85,
          barPercentage: 0.9,
        },
      ],
    },
    options: {
      indexAxis: c.vertical ? 'x' : 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', axis: c.vertical ? 'x' : 'y', intersect: false },
      layout: { padding: c.vertical ? { top: 16 } : { right: VALUE_ROOM } },
      scales: c.vertical ? { x: categoryAxis, y: valueAxis } : { y: categoryAxis, x: valueAxis },
      plugins: {
        tooltip: {
          displayColors: false,
          titleFont: { family: FONT, size: 12 },
          bodyFont: { family: FONT, size: 12 },
          callbacks: { label: (item) => tip(item.parsed[c.vertical ? 'y' : 'x'] ?? 0) },
        },
      },
      onClick: c.clickable
        ? (_event, elements) => {
            if (elements.length > 0) c.picked(elements[0].index);
          }
        : undefined,
      onHover: c.clickable
        ? (event, elements) => {
            const target = event.native?.target as HTMLElement | undefined;
            if (target) target.style.cursor = elements.length > 0 ? 'pointer' : 'default';
          }
        : undefined,
    },
    plugins: [valueLabels(c.format, !!c.vertical), { id: 'cgDrawn', afterRender: () => c.drawn() }],
  };
}
