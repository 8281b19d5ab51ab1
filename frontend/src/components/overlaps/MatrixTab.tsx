/**
 * The Matrix tab: the member x member heatmap of overlaps between lead
 * members, and the overlaps of the pair in a chosen cell, listed and drawn
 * on the map.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { apiURL, getJSON, overlapMatrix, type FeatureCollection, type Organisation } from '../../api.ts';
import { filterParams, type Filters } from '../../filters.ts';
import { formatCount, plural } from '../../format.ts';
import { useDrawnOverlaps, useMap } from '../../mapcontext.ts';
import { Empty, ErrorNote, Loading, useAsync } from '../common.tsx';
import { OverlapItem } from './OverlapItem.tsx';
import {
  abbreviate,
  heatColour,
  matrixModel,
  NO_OVERLAPS,
  overlapFeatures,
  overlapPoints,
  pairKey,
  pairOverlaps,
  rampSteps,
  type MatrixMember,
  type MatrixModel,
} from './overlaps.ts';

type Pair = { a: number; b: number };

export function MatrixTab({ filters }: { filters: Filters }) {
  const fkey = filterParams(filters).toString();
  const matrix = useAsync(`matrix?${fkey}`, (signal) => overlapMatrix(filters, signal));
  const orgs = useAsync('organisations', (signal) =>
    getJSON<FeatureCollection<Organisation>>(apiURL('/collections/organisations/items', { limit: 1000 }), signal),
  );
  const model = useMemo(() => (matrix.data ? matrixModel(matrix.data) : null), [matrix.data]);
  const shortNames = useMemo(() => {
    const m = new Map<number, string>();
    for (const f of orgs.data?.features ?? []) if (f.properties.short_name) m.set(f.id, f.properties.short_name);
    return m;
  }, [orgs.data]);
  // The open cell, for this filter only.
  const [open, setOpen] = useState<{ fkey: string; pair: Pair } | null>(null);
  const pair = open && open.fkey === fkey && model?.counts.has(pairKey(open.pair.a, open.pair.b)) ? open.pair : null;

  if (matrix.state === 'error') return <ErrorNote error={matrix.error} retry={matrix.retry} />;
  if (!model) return <Loading what="the matrix" />;
  if (model.members.length === 0) return <Empty>{NO_OVERLAPS}.</Empty>;

  const short = (m: MatrixMember) => shortNames.get(m.id) ?? abbreviate(m.name);
  const byId = new Map(model.members.map((m) => [m.id, m]));
  return (
    <>
      <p class="ov-count" aria-live="polite">
        <strong>{formatCount(model.total)}</strong> {model.total === 1 ? 'overlap' : 'overlaps'} between{' '}
        {plural(model.members.length, 'member')}, by lead member
        {matrix.state === 'loading' ? <span class="muted"> · updating…</span> : ''}
      </p>
      <MatrixTable model={model} pair={pair} short={short} choose={(p) => setOpen(p ? { fkey, pair: p } : null)} />
      <HeatRamp max={model.max} />
      {pair ? (
        <PairOverlaps
          key={pairKey(pair.a, pair.b)}
          a={byId.get(pair.a)!}
          b={byId.get(pair.b)!}
          expected={model.counts.get(pairKey(pair.a, pair.b)) ?? 0}
          filters={filters}
          short={short}
          onClose={() => setOpen(null)}
        />
      ) : (
        <p class="hint">Choose a cell to list that pair's overlaps and draw them on the map.</p>
      )}
    </>
  );
}

/** The heatmap: a row and a column per member, a cell per pair (a button that opens it, or closes it again). */
function MatrixTable(props: { model: MatrixModel; pair: Pair | null; short(m: MatrixMember): string; choose(p: Pair | null): void }) {
  const { model, pair, short, choose } = props;
  const isOn = (id: number) => pair !== null && (pair.a === id || pair.b === id);
  return (
    <div class="ov-matrix-box" role="region" aria-label="Overlaps between members" tabIndex={0}>
      <table class="ov-matrix" data-testid="overlap-matrix">
        <caption class="sr-only">
          Number of overlaps between each pair of members; each pair appears twice, once in each member's row.
        </caption>
        <thead>
          <tr>
            <th scope="col" class="corner">
              <span>Member</span>
              <span class="muted">total</span>
            </th>
            {model.members.map((c) => (
              <th key={c.id} scope="col" class={isOn(c.id) ? 'col on' : 'col'} title={c.name} abbr={c.name}>
                <span>{short(c)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {model.members.map((r) => (
            <tr key={r.id}>
              <th scope="row" class={isOn(r.id) ? 'row on' : 'row'} title={r.name} abbr={r.name}>
                <span class="row-head">
                  <span class="name">{short(r)}</span>
                  <span class="total">{r.total}</span>
                </span>
              </th>
              {model.members.map((c) => {
                if (c.id === r.id) return <td key={c.id} class="diag" />;
                const n = model.counts.get(pairKey(r.id, c.id));
                if (!n) return <td key={c.id} />;
                const chosen = pair !== null && pairKey(pair.a, pair.b) === pairKey(r.id, c.id);
                return (
                  <td key={c.id} data-a={r.id} data-b={c.id} data-count={n} class={chosen ? 'on' : ''} style={heatColour(n, model.max)}>
                    <button
                      type="button"
                      aria-pressed={chosen}
                      aria-label={`${r.name} and ${c.name}: ${plural(n, 'overlap')}`}
                      title={`${short(r)} × ${short(c)}: ${plural(n, 'overlap')}`}
                      onClick={() => choose(chosen ? null : { a: r.id, b: c.id })}
                    >
                      {n}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The heatmap's key: a few counts in their cells' colours. */
function HeatRamp({ max }: { max: number }) {
  return (
    <div class="ov-ramp" aria-hidden="true">
      <span class="muted">Fewer</span>
      {rampSteps(max).map((n) => (
        <span key={n} class="swatch" style={heatColour(n, max)}>
          {n}
        </span>
      ))}
      <span class="muted">more overlaps</span>
    </div>
  );
}

function PairOverlaps(props: {
  a: MatrixMember;
  b: MatrixMember;
  expected: number;
  filters: Filters;
  short(m: MatrixMember): string;
  onClose(): void;
}) {
  const { a, b, expected, filters, short, onClose } = props;
  const map = useMap();
  const head = useRef<HTMLHeadingElement>(null);
  useEffect(() => head.current?.scrollIntoView({ block: 'nearest' }), []);
  const list = useAsync(`pair/${a.id}/${b.id}?${filterParams(filters)}`, (signal) => pairOverlaps(a, b, expected, filters, signal));
  const found = list.data?.overlaps;
  const fc = useMemo(() => (found ? overlapFeatures(found) : null), [found]);
  useDrawnOverlaps(map, fc);
  useEffect(() => {
    if (fc && fc.features.length > 0) {
      const pts = found!.flatMap(overlapPoints);
      map?.flyToPoints(pts, 9);
    }
  }, [fc]);
  return (
    <section class="ov-pair" aria-labelledby="ov-pair-title" data-testid="overlap-pair">
      <div class="ov-pair-head">
        <h3 id="ov-pair-title" ref={head}>
          {short(a)} × {short(b)}
        </h3>
        <button type="button" class="close" aria-label="Close this pair" onClick={onClose}>
          ×
        </button>
      </div>
      <p class="muted">
        {plural(expected, 'overlap')} between <strong>{a.name}</strong> and <strong>{b.name}</strong>
      </p>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!found && list.state === 'loading' && <Loading what="their overlaps" />}
      {found && found.length === 0 && <Empty>{NO_OVERLAPS}.</Empty>}
      {found && found.length > 0 && (
        <ol class="ov-list compact">
          {found.map((o) => (
            <OverlapItem key={`${o.a.id}-${o.b.id}`} o={o} />
          ))}
        </ol>
      )}
      {list.data && !list.data.complete && (
        <p class="hint">
          Showing {formatCount(found!.length)} of {formatCount(expected)}.
        </p>
      )}
    </section>
  );
}
