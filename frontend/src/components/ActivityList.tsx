/**
 * The activities in the map's view that match the filters, newest first;
 * hovering one rings it on the map, choosing one opens its detail and flies
 * there. The list follows the map as it moves.
 */
import { useEffect, useState } from 'preact/hooks';

import { activities, type Activity } from '../api.ts';
import { filterParams } from '../filters.ts';
import { formatCount, formatPeriod } from '../format.ts';
import type { ViewState } from '../urlstate.ts';
import { update } from '../viewstore.ts';
import { label } from '../vocab.ts';
import { useMap } from '../mapcontext.ts';
import { Empty, ErrorNote, Loading, useAsync } from './common.tsx';
import { VisibilityBadge } from './account/VisibilityBadge.tsx';

const PAGE = 50;

export function ActivityList({ view }: { view: ViewState }) {
  const map = useMap();
  const [pages, setPages] = useState(1);
  // The map's box, read when the camera settles (undefined: the whole world).
  const bbox = map ? map.bbox() : undefined;
  const key = `${filterParams(view.filters)}|${bbox ?? 'world'}|${pages}`;
  const list = useAsync(
    key,
    (signal) => activities(view.filters, { bbox, limit: PAGE * pages, sortby: '-start_date' }, signal),
    map ? 250 : 0,
  );
  useEffect(() => setPages(1), [filterParams(view.filters).toString(), bbox]);
  useEffect(() => () => map?.hover(null), [map]);

  const data = list.data;
  return (
    <div class="list-view">
      <div class="panel-head">
        <h2>Activities {bbox ? 'in view' : ''}</h2>
        <p class="muted" aria-live="polite" data-testid="list-count">
          {data ? `${formatCount(data.numberMatched ?? data.numberReturned)} match` : ''}
          {list.state === 'loading' && data ? ' · updating…' : ''}
        </p>
      </div>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!data && list.state === 'loading' && <Loading what="activities" />}
      {data && data.features.length === 0 && (
        <Empty>No activity matches these filters {bbox ? 'in this part of the map. Zoom out or clear a filter.' : '. Clear a filter to see more.'}</Empty>
      )}
      {data && data.features.length > 0 && (
        <ul class="cards" data-testid="activity-list">
          {data.features.map((a) => (
            <ActivityCard key={a.id} a={a} />
          ))}
        </ul>
      )}
      {data && (data.numberMatched ?? 0) > data.features.length && (
        <button type="button" class="button more" onClick={() => setPages(pages + 1)} disabled={list.state === 'loading'}>
          Show more ({formatCount((data.numberMatched ?? 0) - data.features.length)} left)
        </button>
      )}
    </div>
  );
}

export function points(a: Activity): [number, number][] {
  return a.geometry?.coordinates ?? [];
}

function ActivityCard({ a }: { a: Activity }) {
  const map = useMap();
  const p = a.properties;
  const open = () => {
    update({ selected: { kind: 'activity', id: a.id } });
    map?.flyToPoints(points(a));
  };
  return (
    <li>
      <button
        type="button"
        class="card"
        data-id={a.id}
        onClick={open}
        onMouseEnter={() => map?.hover(points(a))}
        onMouseLeave={() => map?.hover(null)}
        onFocus={() => map?.hover(points(a))}
        onBlur={() => map?.hover(null)}
      >
        <span class="card-title">
          {p.title}
          <VisibilityBadge visibility={p.visibility} />
        </span>
        <span class="card-meta">
          {p.lead_organisation ?? 'No lead'} · {formatPeriod(p.start_date, p.end_date)} · {label('status', p.status)}
        </span>
        <span class="chips">
          {p.themes.map((t) => (
            <span class="chip" key={t}>
              {label('theme', t)}
            </span>
          ))}
        </span>
      </button>
    </li>
  );
}
