/**
 * The vocabularies the filters offer (constituencies, themes, statuses,
 * programme types, regions, countries, members), with the server's labels,
 * read once from the unfiltered /stats. They are what the data holds: a
 * code with no public activity is not offered.
 */
import { useEffect, useState } from 'preact/hooks';

import { stats, type GroupBy, type StatsGroup } from './api.ts';
import { emptyFilters } from './filters.ts';
import { humanise } from './format.ts';

export type Facet = Exclude<GroupBy, 'start_year'>;
export const FACETS: readonly Facet[] = [
  'organisation',
  'constituency',
  'programme_type',
  'theme',
  'status',
  'region',
  'country',
];

export type Vocab = Partial<Record<Facet, StatsGroup[]>>;

let loaded: Promise<Vocab> | undefined;
let current: Vocab = {};

/** Loads every facet's vocabulary once (later calls share the first request). */
export function loadVocab(): Promise<Vocab> {
  loaded ??= Promise.all(
    FACETS.map(async (facet) => {
      const s = await stats(emptyFilters(), facet);
      const groups = [...(s.groups ?? [])].sort((a, b) => a.label.localeCompare(b.label));
      return [facet, groups] as const;
    }),
  ).then((entries) => {
    current = Object.fromEntries(entries) as Vocab;
    return current;
  });
  loaded.catch(() => {
    loaded = undefined; // let a later call try again
  });
  return loaded;
}

export function useVocab(): { vocab: Vocab; error?: Error } {
  const [state, setState] = useState<{ vocab: Vocab; error?: Error }>({ vocab: current });
  useEffect(() => {
    let live = true;
    loadVocab().then(
      (vocab) => live && setState({ vocab }),
      (error: Error) => live && setState({ vocab: current, error }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** The label of `code` in `facet` ("Kenya" for KE), or a readable form of the code itself. */
export function label(facet: Facet, code: string): string {
  const g = current[facet]?.find((x) => x.key === code);
  return g?.label ?? (facet === 'country' ? code : humanise(code));
}
