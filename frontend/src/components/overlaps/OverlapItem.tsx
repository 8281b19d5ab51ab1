/**
 * One overlap in a list (the ranked tab, and a matrix cell's pair): the
 * score, both activities and their lead members, why, and where; and a lead
 * member with the constituency dot of the map, which the hotspots list uses
 * too.
 */
import type { Overlap, OverlapSide } from '../../api.ts';
import { UNKNOWN_DOT } from '../../colours.ts';
import { useConstituencyColours, useMap } from '../../mapcontext.ts';
import { update } from '../../viewstore.ts';
import { label } from '../../vocab.ts';
import { overlapPoints, placeText, scoreBand } from './overlaps.ts';

/** One ranked overlap: the score, both activities and their leads, why, and where. */
export function OverlapItem({ o }: { o: Overlap }) {
  const map = useMap();
  const pts = overlapPoints(o);
  const on = () => map?.hover(pts.length ? pts : null);
  const off = () => map?.hover(null);
  const score = Math.round(o.score);
  return (
    <li class="ov-item" data-testid="overlap" data-a={o.a.id} data-b={o.b.id} onMouseEnter={on} onMouseLeave={off} onFocusIn={on} onFocusOut={off}>
      <div class={`ov-score ${scoreBand(o.score)}`} title={`Overlap score ${o.score} out of 100`}>
        <span class="sr-only">Score </span>
        {score}
      </div>
      <div class="ov-main">
        <div class="ov-sides">
          <Side s={o.a} />
          <Side s={o.b} />
        </div>
        <p class="ov-reason">{o.reason}</p>
        <div class="ov-foot">
          <span class="ov-place">{placeText(o, (c) => label('country', c))}</span>
          {pts.length > 0 && (
            <button type="button" class="link ov-fly" onClick={() => map?.flyToPoints(pts, pts.length > 1 ? 14 : 11)}>
              <PinIcon />
              Show on map
            </button>
          )}
        </div>
      </div>
    </li>
  );
}

function PinIcon() {
  return (
    <svg width="11" height="13" viewBox="0 0 11 13" aria-hidden="true" focusable="false">
      <path d="M5.5 0.6A4.6 4.6 0 0 0 0.9 5.2c0 3.3 4.6 7.4 4.6 7.4s4.6-4.1 4.6-7.4A4.6 4.6 0 0 0 5.5 0.6zm0 6.3a1.7 1.7 0 1 1 0-3.4 1.7 1.7 0 0 1 0 3.4z" fill="currentColor" />
    </svg>
  );
}

function Side({ s }: { s: OverlapSide }) {
  return (
    <div class="ov-side">
      <button type="button" class="link ov-title" onClick={() => update({ selected: { kind: 'activity', id: s.id } })}>
        {s.title}
      </button>
      <LeadMember member={s.organisation} />
    </div>
  );
}

/** A lead member: the dot of its constituency's colour on the map and its name, which opens its page. */
export function LeadMember({ member, class: extra }: { member: { id: number; name: string; constituency: string }; class?: string }) {
  const colours = useConstituencyColours();
  return (
    <span class="ov-lead">
      <span class="ov-dot" style={{ background: colours.get(member.constituency) ?? UNKNOWN_DOT }} aria-hidden="true" />
      <button
        type="button"
        class={extra ? `link subtle ${extra}` : 'link subtle'}
        title={label('constituency', member.constituency)}
        onClick={() => update({ selected: { kind: 'organisation', id: member.id } })}
      >
        {member.name}
      </button>
    </span>
  );
}
