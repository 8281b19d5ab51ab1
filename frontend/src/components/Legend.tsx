/**
 * The legend, and the map's display switches: colour activities by the lead
 * member's constituency or by main theme; shade countries by activities,
 * by distinct members, or not at all. It also says how precise a dot is.
 */
import { useState } from 'preact/hooks';

import { THEME_COLOURS } from '../colours.ts';
import { useConstituencyColours, useStyledMap } from '../mapcontext.ts';
import type { Choropleth, ColourMode } from '../urlstate.ts';
import { update, useView } from '../viewstore.ts';
import { label, useVocab } from '../vocab.ts';
import { Dot } from './common.tsx';

export function Legend() {
  const view = useView();
  // The constituency colours and the country shading come from the server's style, once it has loaded.
  const map = useStyledMap();
  const constituencyColours = useConstituencyColours();
  useVocab(); // labels
  const [open, setOpen] = useState(typeof window === 'undefined' || window.innerWidth > 700);
  const entries: [string, string][] =
    view.colour === 'theme'
      ? Object.entries(THEME_COLOURS).map(([k, c]) => [label('theme', k), c])
      : [...constituencyColours].map(([k, c]) => [label('constituency', k), c]);

  return (
    <aside class={`legend${open ? '' : ' closed'}`} aria-label="Legend and display">
      <button type="button" class="legend-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        Legend
      </button>
      {open && (
        <div class="legend-body">
          <label class="switch">
            Colour activities by{' '}
            <select value={view.colour} onChange={(e) => update({ colour: e.currentTarget.value as ColourMode })}>
              <option value="constituency">lead’s constituency</option>
              <option value="theme">main theme</option>
            </select>
          </label>
          <ul class="entries" data-testid="legend-entries">
            {entries.map(([name, colour]) => (
              <li key={name}>
                <Dot colour={colour} />
                {name}
              </li>
            ))}
          </ul>
          <ul class="precision-key" aria-label="Precision">
            <li>
              <span class="dot p-exact" aria-hidden="true" /> exact
            </li>
            <li>
              <span class="dot p-approximate" aria-hidden="true" /> approximate
            </li>
            <li>
              <span class="dot p-vague" aria-hidden="true" /> city, area or country
            </li>
            <li>
              <span class="dot cluster" style={{ background: map?.clusterColour() }} aria-hidden="true" /> cluster: click to zoom
            </li>
          </ul>
          <label class="switch">
            Shade countries by{' '}
            <select value={view.choropleth} onChange={(e) => update({ choropleth: e.currentTarget.value as Choropleth })}>
              <option value="activities">activities</option>
              <option value="members">distinct members</option>
              <option value="off">nothing</option>
            </select>
          </label>
          {view.choropleth !== 'off' && (
            <div class="ramp" aria-hidden="true">
              {(map?.choroplethStops(view.choropleth) ?? []).map(([n, c]) => (
                <span key={n} style={{ background: c }}>
                  {n}+
                </span>
              ))}
            </div>
          )}
        </div>
      )}
    </aside>
  );
}
