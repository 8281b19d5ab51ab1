/**
 * The Hotspots tab: places where three or more members work on one theme
 * at the same time, each with its members and their activities, drawn on
 * the map.
 */
import { useMemo } from 'preact/hooks';

import { hotspots, type Hotspot } from '../../api.ts';
import { filterParams, type Filters } from '../../filters.ts';
import { formatCount, formatDate } from '../../format.ts';
import { useDrawnOverlaps, useMap } from '../../mapcontext.ts';
import { update } from '../../viewstore.ts';
import { label } from '../../vocab.ts';
import { Empty, ErrorNote, Loading, useAsync } from '../common.tsx';
import { LeadMember } from './OverlapItem.tsx';
import { HOTSPOT_LIMIT, hotspotFeatures, NO_OVERLAPS } from './overlaps.ts';

export function HotspotsTab({ filters }: { filters: Filters }) {
  const map = useMap();
  const fkey = filterParams(filters).toString();
  const list = useAsync(`hotspots?${fkey}`, (signal) => hotspots(filters, { limit: HOTSPOT_LIMIT }, signal));
  const data = list.data;
  const fc = useMemo(() => (data ? hotspotFeatures(data.hotspots) : null), [data]);
  useDrawnOverlaps(map, fc);

  return (
    <>
      <p class="ov-count" aria-live="polite" data-testid="hotspot-count">
        {data && (
          <>
            <strong>{formatCount(data.numberMatched)}</strong> {data.numberMatched === 1 ? 'place' : 'places'} where three
            or more members work on one theme at the same time
          </>
        )}
        {list.state === 'loading' && data ? <span class="muted"> · updating…</span> : ''}
      </p>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!data && list.state === 'loading' && <Loading what="hotspots" />}
      {data && data.hotspots.length === 0 && <Empty>{NO_OVERLAPS}.</Empty>}
      {data && data.hotspots.length > 0 && (
        <ol class="ov-list" data-testid="hotspot-list">
          {data.hotspots.map((h) => (
            <HotspotItem key={`${h.place_id ?? h.place}-${h.theme}-${h.day}`} h={h} />
          ))}
        </ol>
      )}
      {data && data.numberMatched > data.hotspots.length && (
        <p class="hint">
          The first {formatCount(data.hotspots.length)} are shown; narrow the filters to see the others.
        </p>
      )}
    </>
  );
}

function HotspotItem({ h }: { h: Hotspot }) {
  const map = useMap();
  const on = () => map?.hover([h.point]);
  const off = () => map?.hover(null);
  return (
    <li class="ov-item hotspot" data-testid="hotspot" onMouseEnter={on} onMouseLeave={off} onFocusIn={on} onFocusOut={off}>
      <div class="ov-score members" title={`${h.member_count} members`}>
        {h.member_count}
        <small>members</small>
      </div>
      <div class="ov-main">
        <div class="ov-hs-head">
          <button type="button" class="link ov-hs-place" title="Show on the map" onClick={() => map?.flyToPoints([h.point], 10)}>
            {h.place}
          </button>
          <span class="muted"> · {label('country', h.country)}</span>
        </div>
        <p class="ov-hs-what">
          <span class="chip">{h.theme_name || label('theme', h.theme)}</span>
          <span class="muted">all active on {formatDate(h.day)}</span>
        </p>
        <ul class="ov-hs-members">
          {h.members.map((m) => (
            <li key={m.id}>
              <LeadMember member={m} class="ov-hs-member" />
              <ul class="ov-hs-acts">
                {h.activities
                  .filter((a) => a.organisation === m.id)
                  .map((a) => (
                    <li key={a.id}>
                      <button type="button" class="link ov-title" onClick={() => update({ selected: { kind: 'activity', id: a.id } })}>
                        {a.title}
                      </button>
                    </li>
                  ))}
              </ul>
            </li>
          ))}
        </ul>
      </div>
    </li>
  );
}
