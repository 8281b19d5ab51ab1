/**
 * The Ranked tab: the overlaps under the filters, best first, a page at a
 * time, with a minimum score; the list is drawn on the map.
 */
import { useMemo, useState } from 'preact/hooks';

import { overlaps } from '../../api.ts';
import { filterParams, type Filters } from '../../filters.ts';
import { formatCount } from '../../format.ts';
import { useDrawnOverlaps, useMap } from '../../mapcontext.ts';
import { Empty, ErrorNote, Loading, Slider, useAsync } from '../common.tsx';
import { OverlapItem } from './OverlapItem.tsx';
import { NO_OVERLAPS, overlapFeatures, PAGE } from './overlaps.ts';

export function RankedTab({ filters }: { filters: Filters }) {
  const map = useMap();
  const fkey = filterParams(filters).toString();
  // The slider's position while it moves, and the minimum score asked for once it is let go.
  const [draft, setDraft] = useState(0);
  const [minScore, setMinScore] = useState(0);
  // Pages shown, for this filter and minimum only (a new query starts at one page).
  const base = `${fkey}|${minScore}`;
  const [more, setMore] = useState({ base, pages: 1 });
  const pages = more.base === base ? more.pages : 1;
  const list = useAsync(`overlaps?${base}|${pages}`, (signal) =>
    overlaps(filters, { limit: PAGE * pages, min_score: minScore > 0 ? minScore : undefined }, signal),
  );
  const data = list.data;
  const fc = useMemo(() => (data ? overlapFeatures(data.overlaps) : null), [data]);
  useDrawnOverlaps(map, fc);

  return (
    <>
      <div class="ov-controls">
        <label class="ov-slider">
          <span>
            Minimum score <output data-testid="min-score">{draft}</output>
          </span>
          <Slider min={0} max={100} step={5} value={draft} label="Minimum overlap score" onMove={setDraft} onSet={setMinScore} />
        </label>
        <p class="ov-count" aria-live="polite" data-testid="overlap-count">
          {data ? (
            <>
              <strong>{formatCount(data.numberMatched)}</strong> {data.numberMatched === 1 ? 'overlap' : 'overlaps'}
              {minScore > 0 ? ` scoring ${minScore} or more` : ''}, best first
            </>
          ) : (
            ''
          )}
          {list.state === 'loading' && data ? <span class="muted"> · updating…</span> : ''}
        </p>
      </div>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!data && list.state === 'loading' && <Loading what="overlaps" />}
      {data && data.overlaps.length === 0 && (
        <Empty>
          {NO_OVERLAPS}
          {minScore > 0 ? ', or a lower minimum score.' : '.'}
        </Empty>
      )}
      {data && data.overlaps.length > 0 && (
        <ol class="ov-list" data-testid="overlap-list">
          {data.overlaps.map((o) => (
            <OverlapItem key={`${o.a.id}-${o.b.id}`} o={o} />
          ))}
        </ol>
      )}
      {data && data.numberMatched > data.overlaps.length && (
        <button
          type="button"
          class="button more"
          disabled={list.state === 'loading'}
          onClick={() => setMore({ base, pages: pages + 1 })}
        >
          Show more ({formatCount(data.numberMatched - data.overlaps.length)} left)
        </button>
      )}
    </>
  );
}
