/**
 * One member: who it is, where it works, on what themes, in which
 * programmes, and which members it overlaps with. Follows the filters
 * (so "where does X work on resilience" is the page with theme=resilience).
 */
import { useEffect } from 'preact/hooks';

import {
  activities,
  organisation,
  overlapMatrix,
  programmes,
  stats,
  type FeatureCollection,
  type OrganisationProperties,
  type OverlapMatrix,
  type Programme,
} from '../api.ts';
import { activeFilterCount, filterParams, type Filters } from '../filters.ts';
import { formatCount, formatDate, plural } from '../format.ts';
import { useMap } from '../mapcontext.ts';
import { update } from '../viewstore.ts';
import { label } from '../vocab.ts';
import { BackButton, pendingDetail } from './ActivityDetail.tsx';
import { Empty, ErrorNote, Loading, useAsync } from './common.tsx';

export function OrganisationPage({ id, filters }: { id: number; filters: Filters }) {
  const org = useAsync(`org/${id}`, (signal) => organisation(id, signal));
  const mine: Filters = { ...filters, organisation: [String(id)] };
  const key = filterParams(mine).toString();
  const countries = useAsync(`countries?${key}`, (signal) => stats(mine, 'country', signal));
  const themes = useAsync(`themes?${key}`, (signal) => stats(mine, 'theme', signal));
  const progs = useAsync('programmes', (signal) => programmes({ limit: 1000 }, signal));
  const matrix = useAsync(`matrix?${filterParams(filters)}`, (signal) => overlapMatrix(filters, signal));
  // Where it works, on the map: every location of its (filtered) activities, ringed.
  const map = useMap();
  const places = useAsync(`places?${key}`, (signal) => activities(mine, { limit: 1000, properties: 'id' }, signal));
  useEffect(() => {
    const pts = places.data?.features.flatMap((f) => f.geometry?.coordinates ?? []) ?? [];
    map?.select(pts.length > 0 ? pts : null);
  }, [map, places.data]);
  useEffect(() => () => map?.select(null), [map]);

  const pending = pendingDetail(org, id, 'the member');
  if (pending || !org.data) return pending;
  const p = org.data.properties;
  const filtered = activeFilterCount(filters) > 0;
  // Its activities (in one country) in the list and on the map.
  const showActivities = (country?: string) =>
    update({ filters: { ...filters, organisation: [String(id)], ...(country ? { country: [country] } : {}) }, selected: undefined, panel: 'activities' });
  return (
    <article class="detail" data-testid="organisation-page" aria-labelledby="org-title">
      <BackButton />
      <h2 id="org-title">{p.name}</h2>
      <p class="chips">
        <span class="chip">{label('constituency', p.constituency)}</span>
        {p.short_name && <span class="muted">{p.short_name}</span>}
      </p>
      <MemberFacts p={p} />
      <button type="button" class="button primary" onClick={() => showActivities()}>
        Show its activities on the map
      </button>

      <h3>Where it works{filtered ? ' (filtered)' : ''}</h3>
      {countries.state === 'error' && <ErrorNote error={countries.error} retry={countries.retry} />}
      {countries.data && (countries.data.groups ?? []).length === 0 && <Empty>No activity matches the filters.</Empty>}
      <ul class="bars">
        {(countries.data?.groups ?? []).slice(0, 12).map((g) => (
          <li key={g.key}>
            <button type="button" class="link" onClick={() => showActivities(g.key)}>
              {g.label}
            </button>
            <span class="count">{formatCount(g.activity_count)}</span>
          </li>
        ))}
      </ul>

      <h3>Themes</h3>
      <p class="chips">
        {(themes.data?.groups ?? []).map((g) => (
          <span class="chip" key={g.key}>
            {g.label} <span class="count">{g.activity_count}</span>
          </span>
        ))}
      </p>

      <MemberProgrammes id={id} all={progs.data} />

      <h3>Overlaps with</h3>
      {matrix.state === 'loading' && !matrix.data && <Loading what="overlaps" />}
      {matrix.state === 'error' && <ErrorNote error={matrix.error} retry={matrix.retry} />}
      {matrix.data && <OverlapPartners m={matrix.data} id={id} />}
    </article>
  );
}

/** How many activities, since when a member, when it last reported, its website. */
function MemberFacts({ p }: { p: OrganisationProperties }) {
  return (
    <dl class="facts">
      <dt>Activities</dt>
      <dd>
        {formatCount(p.activity_count)} in {plural(p.country_count, 'country', 'countries')}
      </dd>
      {p.member_since && (
        <>
          <dt>Member since</dt>
          <dd>{formatDate(p.member_since)}</dd>
        </>
      )}
      {p.last_reported && (
        <>
          <dt>Last reported</dt>
          <dd>{formatDate(p.last_reported)}</dd>
        </>
      )}
      {p.website && (
        <>
          <dt>Website</dt>
          <dd>
            <a href={p.website} rel="noopener noreferrer" target="_blank">
              {p.website.replace(/^https?:\/\//, '')}
            </a>
          </dd>
        </>
      )}
    </dl>
  );
}

/** The programmes member `id` leads or takes part in, of `all` (undefined while they load). */
function MemberProgrammes({ id, all }: { id: number; all: FeatureCollection<Programme> | undefined }) {
  const its = (all?.features ?? []).filter(
    (g) =>
      g.properties.lead_organisation_id === id ||
      ((g.properties as { participants?: { id: number }[] }).participants ?? []).some((x) => x.id === id),
  );
  return (
    <>
      <h3>Programmes</h3>
      {all && its.length === 0 && <Empty>It leads or takes part in no programme.</Empty>}
      <ul class="orgs">
        {its.map((g) => (
          <li key={g.id}>
            {g.properties.name}
            <span class="muted">
              {' '}
              · {label('programme_type', g.properties.type)} · {g.properties.lead_organisation_id === id ? 'lead' : 'participant'}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The members this one overlaps with, most overlaps first, from the matrix. */
function OverlapPartners({ m, id }: { m: OverlapMatrix; id: number }) {
  const names = new Map(m.organisations.map((o) => [o.id, o]));
  const rows = m.cells
    .filter((c) => c.a === id || c.b === id)
    .map((c) => ({ other: names.get(c.a === id ? c.b : c.a)!, overlaps: c.overlaps, best: c.best_score }))
    .filter((r) => r.other)
    .sort((x, y) => y.overlaps - x.overlaps || y.best - x.best);
  if (rows.length === 0) return <Empty>No overlap with another member under these filters.</Empty>;
  return (
    <ul class="bars" data-testid="overlap-partners">
      {rows.slice(0, 15).map((r) => (
        <li key={r.other.id}>
          <button type="button" class="link" onClick={() => update({ selected: { kind: 'organisation', id: r.other.id } })}>
            {r.other.name}
          </button>
          <span class="count" title={`best score ${Math.round(r.best)}`}>
            {plural(r.overlaps, 'overlap')}
          </span>
        </li>
      ))}
    </ul>
  );
}
