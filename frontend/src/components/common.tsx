/** Small pieces every panel uses: loading, empty and error states, and a data hook. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import { isAbort } from '../api.ts';
import { useGeneration } from '../session.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

export function ErrorNote({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="state error" role="alert">
      <strong>Something went wrong.</strong> {error.message}
      {retry && (
        <button type="button" class="link" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export type Async<T> =
  | { state: 'loading'; data?: T }
  | { state: 'done'; data: T }
  | { state: 'error'; error: Error; data?: T };

/**
 * Runs `load` whenever `key` changes, aborting the previous request, and
 * keeps the last data while the next loads (so lists don't flash empty).
 * `delay` waits that many ms first (typing, map moves). It runs again when
 * the viewer changes (sign-in, sign-out), who may see more or less.
 */
export function useAsync<T>(key: string, load: (signal: AbortSignal) => Promise<T>, delay = 0): Async<T> & { retry(): void } {
  const [result, setResult] = useState<Async<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const generation = useGeneration();
  useEffect(() => {
    const ctl = new AbortController();
    setResult((r) => ({ state: 'loading', data: r.data }));
    const timer = setTimeout(() => {
      load(ctl.signal).then(
        (data) => !ctl.signal.aborted && setResult({ state: 'done', data }),
        (error: Error) => {
          if (!isAbort(error) && !ctl.signal.aborted) setResult((r) => ({ state: 'error', error, data: r.data }));
        },
      );
    }, delay);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [key, attempt, generation]);
  return { ...result, retry: () => setAttempt((n) => n + 1) };
}

/** A coloured dot (legend, list). */
export function Dot({ colour }: { colour: string }) {
  return <span class="dot" style={{ background: colour }} aria-hidden="true" />;
}

/** A range input that reports its value while it moves (`onMove`) and once it is let go (`onSet`). */
export function Slider(props: { min: number; max: number; step: number; value: number; label: string; onMove(v: number): void; onSet(v: number): void }) {
  const { min, max, step, value, label, onMove, onSet } = props;
  return (
    <input
      type="range"
      min={min}
      max={max}
      step={step}
      value={value}
      aria-label={label}
      onInput={(e) => onMove(Number(e.currentTarget.value))}
      onChange={(e) => onSet(Number(e.currentTarget.value))}
    />
  );
}
