/**
 * The app's frame: the top bar (search, the three panels), the filters, the
 * map and the side panel. The view (filters, map position, panel,
 * selection, display modes) is held in viewstore.ts and mirrored in the URL.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

import { holdRequestsUntil, stats } from './api.ts';
import { activeFilterCount, emptyFilters, sameFilters } from './filters.ts';
import { MapContext } from './mapcontext.ts';
import { MapView } from './mapview.ts';
import { PANELS, viewSearch, type Panel, type ViewState } from './urlstate.ts';
import { getView, update, useView } from './viewstore.ts';
import { loadSession, useGeneration } from './session.ts';

import { AccountMenu } from './components/account/AccountMenu.tsx';
import { ActivityDetail } from './components/ActivityDetail.tsx';
import { ActivityList } from './components/ActivityList.tsx';
import { FiltersPanel } from './components/FiltersPanel.tsx';
import { Legend } from './components/Legend.tsx';
import { OrganisationPage } from './components/OrganisationPage.tsx';
import { OverlapsView } from './components/overlaps/OverlapsView.tsx';
import { SearchBox } from './components/SearchBox.tsx';
import { StatsView } from './components/StatsView.tsx';

declare global {
  interface Window {
    /** The live map, for browser tests and the console. */
    commonground?: { map: MapView['map'] };
  }
}

/**
 * The panels' data waits for the map's first idle (or its failure, or at
 * most MAP_FIRST_MS), so that the map's style and tiles are not queued
 * behind the lists and counts.
 */
const MAP_FIRST_MS = 4000;
let mapSettled: () => void = () => undefined;
holdRequestsUntil(
  new Promise<void>((resolve) => {
    mapSettled = resolve;
    setTimeout(resolve, MAP_FIRST_MS);
  }),
);

/** What the page's map is doing, as `document.body.dataset.mapState` (read by the browser tests). */
function setMapState(state: 'loading' | 'idle' | 'error'): void {
  document.body.dataset.mapState = state;
}

const PANEL_NAMES: Record<Panel, string> = { activities: 'Activities', overlaps: 'Overlaps', stats: 'Stats' };

export function App() {
  const view = useView();
  const [map, setMap] = useState<MapView | null>(null);
  const [mapError, setMapError] = useState<MapError | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);
  useEffect(() => {
    if (!view.embed) void loadSession();
  }, []);
  useEscape(() => {
    if (filtersOpen) setFiltersOpen(false);
    else if (getView().selected) update({ selected: undefined });
  });

  return (
    <MapContext.Provider value={map}>
      <div class={`app${filtersOpen ? ' filters-open' : ''}${view.embed ? ' embed' : ''}`}>
        <header class="topbar">
          <h1 class="brand">
            <a href="/" aria-label="CommonGround: the whole map, no filters">
              <strong>CommonGround</strong>
            </a>
            <span class="tagline">where alliance members work</span>
          </h1>
          <SearchBox />
          <PanelTabs view={view} />
          <button
            type="button"
            class="filters-toggle"
            aria-expanded={filtersOpen}
            aria-controls="filters"
            onClick={() => setFiltersOpen(!filtersOpen)}
          >
            Filters{activeFilterCount(view.filters) > 0 ? ` (${activeFilterCount(view.filters)})` : ''}
          </button>
          {view.embed && (
            <a class="button open-full" href={viewSearch({ ...view, embed: false }) || '/'} target="_blank" rel="noopener">
              Open the full map
            </a>
          )}
          <span class="badge" title="The organisations and activities shown are invented for demonstration">
            Demo data
          </span>
          {!view.embed && <AccountMenu />}
        </header>
        <FiltersPanel onClose={() => setFiltersOpen(false)} />
        <main class="map-pane" aria-label="Map of member activities">
          <MapPane view={view} onMap={setMap} onError={setMapError} />
          <Legend />
          {mapError && (
            <div id="status" class="status" role="alert">
              {mapError.message}
              {mapError.clearFilters && (
                <>
                  {' '}
                  <button type="button" class="link" onClick={() => (location.href = viewSearch({ ...getView(), filters: emptyFilters() }) || '/')}>
                    Clear the filters
                  </button>
                </>
              )}
            </div>
          )}
        </main>
        <section id="panel" class="panel" role="tabpanel" aria-labelledby={`tab-${view.panel}`}>
          <SidePanel view={view} />
        </section>
      </div>
    </MapContext.Provider>
  );
}

/** Activities | Overlaps | Stats: the tabs that choose the side panel. */
function PanelTabs({ view }: { view: ViewState }) {
  return (
    <nav class="tabs" role="tablist" aria-label="Views" onKeyDown={tabKeys}>
      {PANELS.map((p) => (
        <button
          type="button"
          role="tab"
          id={`tab-${p}`}
          aria-selected={view.panel === p && !view.selected}
          tabIndex={view.panel === p ? 0 : -1}
          aria-controls="panel"
          class={view.panel === p ? 'tab active' : 'tab'}
          onClick={() => update({ panel: p, selected: undefined })}
        >
          {PANEL_NAMES[p]}
        </button>
      ))}
    </nav>
  );
}

/** Arrow keys, Home and End move between the view tabs (the WAI-ARIA tabs pattern). */
function tabKeys(e: KeyboardEvent): void {
  const i = PANELS.indexOf(getView().panel);
  const next =
    e.key === 'ArrowRight' ? (i + 1) % PANELS.length
    : e.key === 'ArrowLeft' ? (i + PANELS.length - 1) % PANELS.length
    : e.key === 'Home' ? 0
    : e.key === 'End' ? PANELS.length - 1
    : -1;
  if (next < 0) return;
  e.preventDefault();
  update({ panel: PANELS[next], selected: undefined });
  document.getElementById(`tab-${PANELS[next]}`)?.focus();
}

/** Escape closes a detail or member page (back to the panel) and the filters drawer. */
function useEscape(onEscape: () => void): void {
  const latest = useRef(onEscape);
  latest.current = onEscape;
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (t?.closest('.search')) return; // the search box closes its own list
      if (t?.closest('dialog, .account')) return; // dialogs and the account menu close themselves
      latest.current();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, []);
}

function SidePanel({ view }: { view: ViewState }) {
  if (view.selected?.kind === 'activity') return <ActivityDetail id={view.selected.id} filters={view.filters} />;
  if (view.selected?.kind === 'organisation') return <OrganisationPage id={view.selected.id} filters={view.filters} />;
  switch (view.panel) {
    case 'overlaps':
      return <OverlapsView view={view} />;
    case 'stats':
      return <StatsView filters={view.filters} />;
    default:
      return <ActivityList view={view} />;
  }
}

/** What the map says when it cannot be shown, and whether clearing the filters would help. */
interface MapError {
  message: string;
  clearFilters?: boolean;
}

/** Creates the map once and keeps it in step with the view. */
function MapPane({ view, onMap, onError }: { view: ViewState; onMap(m: MapView): void; onError(e: MapError): void }) {
  const container = useRef<HTMLDivElement>(null);
  const tooltip = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapView | null>(null);
  const shown = useRef(view);
  const generation = useGeneration();

  useEffect(() => {
    let m: MapView;
    try {
      m = new MapView(container.current!, tooltip.current!, view.camera, view.filters, {
        moved: (camera) => update({ camera }, 'replace'),
        activityClicked: (id) => update({ selected: { kind: 'activity', id } }),
        failed: (message, status) => {
          setMapState('error');
          mapSettled();
          if (status !== 400) return onError({ message });
          // A 400 is the link's filters (a shared or hand-made URL): say which, from the server's problem.
          stats(getView().filters).then(
            () => onError({ message }),
            (err: Error) =>
              onError({ message: `This link's filters cannot be used: ${err.message}.`, clearFilters: true }),
          );
        },
        ready: () => {
          if (document.body.dataset.mapState === 'loading') setMapState('idle');
          mapSettled();
        },
      });
    } catch (error) {
      // Thrown when the browser has no WebGL.
      console.error(error);
      onError({ message: 'The map cannot be shown: this browser does not support WebGL. The lists, overlaps and stats still work.' });
      setMapState('error');
      mapSettled();
      return;
    }
    mapRef.current = m;
    window.commonground = { map: m.map };
    m.setColour(view.colour);
    m.setChoropleth(view.choropleth);
    onMap(m);
  }, []);

  // Follow the view: filters, display modes, and a camera set by history (back/forward, links).
  useEffect(() => {
    const m = mapRef.current;
    const before = shown.current;
    shown.current = view;
    if (!m) return;
    if (!sameFilters(before.filters, view.filters)) m.setFilters(view.filters);
    if (before.colour !== view.colour) m.setColour(view.colour);
    if (before.choropleth !== view.choropleth) m.setChoropleth(view.choropleth);
    const c = view.camera;
    if (c && c !== before.camera) {
      const now = m.map.getCenter();
      const far = Math.abs(now.lng - c.lng) > 1e-4 || Math.abs(now.lat - c.lat) > 1e-4 || Math.abs(m.map.getZoom() - c.zoom) > 0.01;
      if (far && getView().camera === c && !m.map.isMoving()) m.jumpTo(c);
    }
  }, [view]);

  // Signed in or out: the data layers again, for the viewer who now sees more or less.
  useEffect(() => {
    if (generation > 0) mapRef.current?.reload(getView().filters, generation);
  }, [generation]);

  return (
    <>
      <div id="map" ref={container} />
      <div ref={tooltip} id="tooltip" class="tooltip" role="tooltip" hidden />
    </>
  );
}
