/** "Members only" or "Draft" on an activity that is not public (nothing on a public one). */
import { visibilityBadge } from '../../account.ts';

export function VisibilityBadge({ visibility }: { visibility: string | null | undefined }) {
  const b = visibilityBadge(visibility);
  if (!b) return null;
  return (
    <span class={b.className} title={b.title} data-testid="visibility-badge">
      {b.text}
    </span>
  );
}
