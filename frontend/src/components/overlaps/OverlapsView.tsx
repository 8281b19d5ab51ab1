/**
 * The Overlaps view: where two members work on the same theme, in the same
 * place, at the same time (README "Overlaps"). Three sub-tabs, kept in the
 * URL as `overlaps=`: the ranked pairs with their reasons, drawn on the map
 * (RankedTab.tsx); the member x member matrix as a heatmap (MatrixTab.tsx);
 * and hotspots, places where three or more members meet on one theme
 * (HotspotsTab.tsx). All three follow the shared filters. This file holds
 * the frame and the tab bar; overlaps.ts what the tabs compute.
 */
import { OVERLAP_TABS, type OverlapTab, type ViewState } from '../../urlstate.ts';
import { update } from '../../viewstore.ts';
import { useVocab } from '../../vocab.ts';
import { HotspotsTab } from './HotspotsTab.tsx';
import { MatrixTab } from './MatrixTab.tsx';
import { tabAfter, TAB_NAMES } from './overlaps.ts';
import { RankedTab } from './RankedTab.tsx';
import './overlaps.css';

export function OverlapsView({ view }: { view: ViewState }) {
  useVocab(); // country and theme labels
  const tab = view.overlapTab;
  return (
    <div class="ov" data-testid="overlaps-view">
      <div class="ov-head">
        <h2>Overlaps</h2>
        <p class="muted">Two members working on the same theme, in the same place, at the same time.</p>
        <OverlapTabs tab={tab} />
      </div>
      <div role="tabpanel" id={`ov-panel-${tab}`} aria-labelledby={`ov-tab-${tab}`} class="ov-body">
        {tab === 'matrix' ? (
          <MatrixTab filters={view.filters} />
        ) : tab === 'hotspots' ? (
          <HotspotsTab filters={view.filters} />
        ) : (
          <RankedTab filters={view.filters} />
        )}
      </div>
    </div>
  );
}

/** Ranked | Matrix | Hotspots: a tab list (arrow keys, Home and End move between tabs). */
function OverlapTabs({ tab }: { tab: OverlapTab }) {
  const choose = (t: OverlapTab, focus: boolean) => {
    if (t !== tab) update({ overlapTab: t });
    if (focus) document.getElementById(`ov-tab-${t}`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const next = tabAfter(tab, e.key);
    if (next) {
      e.preventDefault();
      choose(next, true);
    }
  };
  return (
    <div class="ov-tabs" role="tablist" aria-label="Overlaps views" onKeyDown={onKeyDown}>
      {OVERLAP_TABS.map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          id={`ov-tab-${t}`}
          aria-selected={t === tab}
          aria-controls={`ov-panel-${t}`}
          tabIndex={t === tab ? 0 : -1}
          class={t === tab ? 'ov-tab active' : 'ov-tab'}
          onClick={() => choose(t, false)}
        >
          {TAB_NAMES[t]}
        </button>
      ))}
    </div>
  );
}
