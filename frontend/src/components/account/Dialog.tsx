/**
 * The account dialogs' frame and form pieces: a modal <dialog> (the browser
 * keeps focus inside and the page behind inert; Escape and the close button
 * close it, focus goes back where it was), labelled inputs whose problems
 * are announced, a form-level problem, and a copy button.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

let dialogs = 0;

export function Dialog(props: { title: string; onClose(): void; children: ComponentChildren; wide?: boolean; testid?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [id] = useState(() => `dialog-${++dialogs}`);
  const close = useRef(props.onClose);
  close.current = props.onClose;
  useEffect(() => {
    const d = ref.current;
    const before = document.activeElement as HTMLElement | null;
    if (d && !d.open) d.showModal();
    return () => {
      if (d?.open) d.close();
      // Back where it was; opened from the account menu (gone by now), back to the account button.
      const back = before?.isConnected && before !== document.body ? before : document.querySelector<HTMLElement>('.account button');
      back?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`dialog${props.wide ? ' wide' : ''}`}
      aria-labelledby={`${id}-title`}
      data-testid={props.testid}
      onCancel={(e) => {
        e.preventDefault();
        close.current();
      }}
    >
      <div class="dialog-head">
        <h2 id={`${id}-title`}>{props.title}</h2>
        <button type="button" class="link subtle close" aria-label="Close" onClick={() => close.current()}>
          ✕
        </button>
      </div>
      {props.children}
    </dialog>
  );
}

/** A labelled input with its problem (announced, and tied to the input by aria-describedby). */
export function Field(
  props: {
    label: string;
    name: string;
    problem?: string;
    hint?: string;
    value: string;
    onValue(v: string): void;
  } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'label' | 'name'>,
) {
  const { label, name, problem, hint, value, onValue, ...rest } = props;
  const [id] = useState(() => `f-${name}-${++dialogs}`);
  const described = [problem ? `${id}-problem` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="form-field">
      <label for={id}>{label}</label>
      <input
        {...rest}
        id={id}
        name={name}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {problem && (
        <span class="field-problem" id={`${id}-problem`} data-field={name}>
          {problem}
        </span>
      )}
    </div>
  );
}

/** The problem of the form as a whole (an alert, so a screen reader says it). */
export function FormProblem({ text }: { text?: string }) {
  if (!text) return null;
  return (
    <p class="form-problem" role="alert">
      {text}
    </p>
  );
}

/** A read-only copy of a secret or link with a button that copies it. */
export function CopyBox({ label, value, testid }: { label: string; value: string; testid?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // No clipboard (plain HTTP, or refused): the text is selected for Ctrl+C.
      setCopied(false);
    }
  };
  return (
    <div class="copy-box">
      <label>
        <span>{label}</span>
        <input ref={input} readOnly value={value} data-testid={testid} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button type="button" class="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** A ref that focuses its element once, when it appears (autofocus only works as a page or dialog opens). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
