import type { ViewState } from '../state.ts';

export function OverlapsView(_: { view: ViewState }) {
  return <p class="state">Overlaps: being built.</p>;
}
