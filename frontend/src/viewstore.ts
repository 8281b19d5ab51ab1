/**
 * The one place the view is held. Components read it with useView() and
 * change it with update(); every change is written to the URL (a new
 * history entry when what is shown changes, a replaced one when only the map
 * moved), and the browser's back and forward buttons restore it.
 */
import { useEffect, useState } from 'preact/hooks';

import { parseView, viewSearch, type ViewState } from './urlstate.ts';

type Listener = (v: ViewState) => void;

let view: ViewState = parseView(location.search);
const listeners = new Set<Listener>();

export function getView(): ViewState {
  return view;
}

/**
 * Changes the view. `history: 'push'` (the default) makes a new entry in the
 * browser's history, 'replace' rewrites the current one (map moves).
 */
export function update(change: Partial<ViewState> | ((v: ViewState) => Partial<ViewState>), history: 'push' | 'replace' = 'push'): void {
  const patch = typeof change === 'function' ? change(view) : change;
  const next = { ...view, ...patch };
  const search = viewSearch(next);
  view = next;
  if (search !== location.search) {
    const url = `${location.pathname}${search}${location.hash}`;
    if (history === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }
  for (const l of listeners) l(view);
}

export function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

window.addEventListener('popstate', () => {
  view = parseView(location.search);
  for (const l of listeners) l(view);
});

/** The current view; the component renders again when it changes. */
export function useView(): ViewState {
  const [v, setV] = useState(view);
  useEffect(() => {
    setV(view);
    return subscribe(setV);
  }, []);
  return v;
}
