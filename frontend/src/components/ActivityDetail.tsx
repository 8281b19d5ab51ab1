/**
 * Everything about one activity: what, who (organisations and roles), where
 * (locations and their precision), when, how much, and "other members here":
 * its overlaps with other members' activities.
 */
import { useEffect } from 'preact/hooks';

import { activity, overlapsOf, type Activity, type Overlap } from '../api.ts';
import type { Filters } from '../filters.ts';
import { filterParams } from '../filters.ts';
import { formatDate, formatMoney, formatPeriod, humanise, plural } from '../format.ts';
import { useMap } from '../mapcontext.ts';
import { precisionText } from '../mapview.ts';
import { update } from '../viewstore.ts';
import { label } from '../vocab.ts';
import { Empty, ErrorNote, Loading, useAsync, type Async } from './common.tsx';
import { points } from './ActivityList.tsx';
import { overlapFeatures } from './overlaps/overlaps.ts';
import { VisibilityBadge } from './account/VisibilityBadge.tsx';

export function BackButton() {
  return (
    <button type="button" class="link back" onClick={() => update({ selected: undefined })}>
      ← Back
    </button>
  );
}

/**
 * What a detail page shows while `load` has failed or has not yet brought
 * item `id`: the back button and the error or the spinner; null once it has.
 */
export function pendingDetail(load: Async<{ id: number }> & { retry(): void }, id: number, what: string) {
  if (load.state === 'error') {
    return (
      <div class="detail">
        <BackButton />
        <ErrorNote error={load.error} retry={load.retry} />
      </div>
    );
  }
  if (!load.data || load.data.id !== id) {
    return (
      <div class="detail">
        <BackButton />
        <Loading what={what} />
      </div>
    );
  }
  return null;
}

export function ActivityDetail({ id, filters }: { id: number; filters: Filters }) {
  const map = useMap();
  const a = useAsync(`activity/${id}`, (signal) => activity(id, signal));
  const overlaps = useAsync(`activity/${id}/overlaps?${filterParams(filters)}`, (signal) =>
    overlapsOf('activity', id, filters, { limit: 20 }, signal),
  );
  const pts = a.data && a.data.id === id ? points(a.data) : null;
  useEffect(() => {
    map?.select(pts);
  }, [map, pts?.length, id, a.state]);
  useEffect(() => () => map?.select(null), [map]);
  useEffect(() => {
    if (!map) return;
    map.showOverlaps(overlaps.data ? overlapFeatures(overlaps.data.overlaps) : null);
    return () => map.showOverlaps(null);
  }, [map, overlaps.data]);

  const pending = pendingDetail(a, id, 'the activity');
  if (pending || !a.data) return pending;
  return (
    <article class="detail" data-testid="activity-detail" aria-labelledby="detail-title">
      <BackButton />
      <Facts a={a.data} />
      <section class="overlaps-here" data-testid="activity-overlaps">
        <h3>Other members here</h3>
        {overlaps.state === 'loading' && !overlaps.data && <Loading what="overlaps" />}
        {overlaps.state === 'error' && <ErrorNote error={overlaps.error} retry={overlaps.retry} />}
        {overlaps.data && overlaps.data.overlaps.length === 0 && (
          <Empty>No other member works on the same themes here at the same time.</Empty>
        )}
        {overlaps.data && overlaps.data.overlaps.length > 0 && (
          <>
            <p class="muted">{plural(overlaps.data.numberMatched, 'overlap')}, best first</p>
            <ul class="overlap-list">
              {overlaps.data.overlaps.map((o) => (
                <OtherMember key={`${o.a.id}-${o.b.id}`} o={o} self={id} />
              ))}
            </ul>
          </>
        )}
      </section>
    </article>
  );
}

function Facts({ a }: { a: Activity }) {
  const p = a.properties;
  return (
    <>
      <h2 id="detail-title">{p.title}</h2>
      <p class="chips">
        <VisibilityBadge visibility={p.visibility} />
        <span class={`chip status-${p.status}`}>{label('status', p.status)}</span>
        {p.themes.map((t) => (
          <span class="chip" key={t}>
            {label('theme', t)}
          </span>
        ))}
      </p>
      {p.description && <p>{p.description}</p>}
      <dl class="facts">
        <dt>When</dt>
        <dd>
          {formatPeriod(p.start_date, p.end_date)}
          {p.start_date && p.end_date && (
            <span class="muted">
              {' '}
              ({formatDate(p.start_date)} to {formatDate(p.end_date)})
            </span>
          )}
        </dd>
        <dt>Budget</dt>
        <dd>{p.budget !== null ? formatMoney(p.budget, p.currency) : <span class="muted">not stated</span>}</dd>
        {p.programme_name && (
          <>
            <dt>Programme</dt>
            <dd>
              {p.programme_name}
              {p.programme_type && <span class="muted"> · {label('programme_type', p.programme_type)}</span>}
            </dd>
          </>
        )}
        {p.iati_identifier && (
          <>
            <dt>IATI identifier</dt>
            <dd>
              <code>{p.iati_identifier}</code>
            </dd>
          </>
        )}
        <dt>Updated</dt>
        <dd>{formatDate(p.updated_at)}</dd>
      </dl>
      <h3>Organisations</h3>
      <ul class="orgs">
        {p.organisations.map((o) => (
          <li key={`${o.id}-${o.role}`}>
            <button type="button" class="link" onClick={() => update({ selected: { kind: 'organisation', id: o.id } })}>
              {o.name}
            </button>
            <span class="muted">
              {' '}
              · {humanise(o.role)} · {label('constituency', o.constituency)}
            </span>
          </li>
        ))}
      </ul>
      <Locations a={a} />
    </>
  );
}

/** The activity's locations: each flies the map there, with its country and how precise it is. */
function Locations({ a }: { a: Activity }) {
  const map = useMap();
  const p = a.properties;
  return (
    <>
      <h3>{plural(p.locations.length, 'location')}</h3>
      <ul class="locations">
        {p.locations.map((l, i) => {
          const pt = a.geometry?.coordinates[i];
          return (
            <li key={i}>
              {pt ? (
                <button type="button" class="link" onClick={() => map?.flyToPoints([pt], l.precision === 'country' ? 5 : 10)}>
                  {l.name ?? 'Unnamed place'}
                </button>
              ) : (
                (l.name ?? 'Unnamed place')
              )}
              {l.country_code && <span class="muted"> · {label('country', l.country_code)}</span>}
              <span class={`precision precision-${l.precision}`}> · {precisionText(l.precision, l.kind)}</span>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function OtherMember({ o, self }: { o: Overlap; self: number }) {
  const other = o.a.id === self ? o.b : o.a;
  return (
    <li class="overlap">
      <span class="score" title="Overlap score out of 100">
        {Math.round(o.score)}
      </span>
      <div>
        <button type="button" class="link" onClick={() => update({ selected: { kind: 'activity', id: other.id } })}>
          {other.title}
        </button>
        <div class="muted">
          <button type="button" class="link subtle" onClick={() => update({ selected: { kind: 'organisation', id: other.organisation.id } })}>
            {other.organisation.name}
          </button>
        </div>
        <div class="reason">{o.reason}</div>
      </div>
    </li>
  );
}
