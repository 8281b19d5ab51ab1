import type { Filters } from '../filters.ts';

export function StatsView(_: { filters: Filters }) {
  return <p class="state">Stats: being built.</p>;
}
