/**
 * The search box (/search): places fly the map there, activities and
 * members open. A combobox: arrows move, Enter picks, Escape closes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

import { search, type SearchResult } from '../api.ts';
import { useMap } from '../mapcontext.ts';
import { update } from '../viewstore.ts';
import { useAsync, type Async } from './common.tsx';

const KIND: Record<SearchResult['type'], string> = { place: 'Place', activity: 'Activity', organisation: 'Member' };

export function SearchBox() {
  const map = useMap();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const q = text.trim();
  const results = useAsync(q.length >= 2 ? `search?${q}` : '', (signal) => (q.length >= 2 ? search(q, signal) : Promise.resolve(null)), 200);
  const list = q.length >= 2 ? (results.data?.results ?? []) : [];
  useEffect(() => setActive(0), [results.data]);

  const pick = (r: SearchResult) => {
    setOpen(false);
    setText('');
    if (r.type === 'organisation') {
      update({ selected: { kind: 'organisation', id: r.id } });
    } else if (r.type === 'activity') {
      update({ selected: { kind: 'activity', id: r.id } });
      if (r.point) map?.flyToPoints([r.point], 9);
    } else if (r.point) {
      map?.flyToPoints([r.point], 10);
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, list.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === 'Enter' && list[active]) {
      e.preventDefault();
      pick(list[active]);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const showList = open && q.length >= 2;
  return (
    <div
      class="search"
      ref={box}
      onFocusOut={(e) => {
        if (!box.current?.contains(e.relatedTarget as Node)) setOpen(false);
      }}
    >
      <input
        type="search"
        role="combobox"
        aria-label="Search places, activities and members"
        aria-expanded={showList}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-activedescendant={showList && list[active] ? `search-${active}` : undefined}
        placeholder="Search places, activities, members"
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKey}
      />
      {showList && <SearchResults q={q} results={results} list={list} active={active} pick={pick} setActive={setActive} />}
    </div>
  );
}

/** The listbox under the box: what was found for `q` (`list`, of `results`), the `active` one highlighted. */
function SearchResults(props: {
  q: string;
  results: Async<unknown>;
  list: SearchResult[];
  active: number;
  pick(r: SearchResult): void;
  setActive(i: number): void;
}) {
  const { q, results, list, active, pick, setActive } = props;
  return (
    <ul id="search-results" class="search-results" role="listbox" aria-label="Search results">
      {results.state === 'error' && <li class="state error">{results.error.message}</li>}
      {results.state !== 'error' && list.length === 0 && (
        <li class="state">{results.state === 'loading' ? 'Searching…' : `Nothing found for “${q}”`}</li>
      )}
      {list.map((r, i) => (
        <li
          id={`search-${i}`}
          key={`${r.type}-${r.id}`}
          role="option"
          aria-selected={i === active}
          class={i === active ? 'active' : ''}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => pick(r)}
          onMouseEnter={() => setActive(i)}
        >
          <span class="kind">{KIND[r.type]}</span>
          <span class="name">{r.name}</span>
          {r.detail && <span class="muted"> · {r.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
