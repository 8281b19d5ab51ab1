/**
 * Signing in, changing my password, and setting a password through an
 * invitation or reset link: small forms that check what they can before
 * sending, and show the server's problems by field.
 */
import { useState } from 'preact/hooks';

import { acceptLink, ApiError, changePassword, login, type SingleSignOn, type User } from '../../api.ts';
import { problemsOf, validateNewPassword, validateSignIn, type FieldProblems } from '../../account.ts';
import { signedIn } from '../../session.ts';
import { Dialog, Field, FormProblem, useFocusOnMount } from './Dialog.tsx';

/** The server's problem (or a network failure) as field problems. */
function problemsFrom(err: unknown, fields: readonly string[], unauthorised?: string): FieldProblems {
  if (!(err instanceof ApiError)) return { '': 'Something went wrong. Try again.' };
  if (err.status === 401 && unauthorised) return { '': unauthorised };
  return problemsOf(err, fields);
}

/**
 * One form's submission: check locally (validate), and only when that
 * finds nothing, send; the server's problems are shown by field, as are a
 * 401's (as `unauthorised`) and a network failure's.
 */
function useSubmit(validate: () => FieldProblems, send: () => Promise<void>, fields: readonly string[], unauthorised: string) {
  const [problems, setProblems] = useState<FieldProblems>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const p = validate();
    setProblems(p);
    if (Object.keys(p).length > 0) return;
    setBusy(true);
    try {
      await send();
    } catch (err) {
      setProblems(problemsFrom(err, fields, unauthorised));
    }
    setBusy(false);
  };
  return { problems, busy, submit };
}

/**
 * The sign-in form; with single sign-on configured, a "Sign in with <name>"
 * link above it; notice is why an earlier single sign-on failed.
 */
export function SignInDialog({ onClose, sso, notice }: { onClose(): void; sso?: SingleSignOn; notice?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { problems, busy, submit } = useSubmit(
    () => validateSignIn(email, password),
    async () => {
      const { user } = await login(email.trim(), password);
      onClose();
      signedIn(user);
    },
    ['email', 'password'],
    'The email address or the password is wrong.',
  );
  return (
    <Dialog title="Sign in" onClose={onClose} testid="sign-in">
      <form class="account-form" onSubmit={submit} noValidate>
        <p class="muted">For the people of member organisations and the secretariat. Signed in, you also see members-only activities.</p>
        {notice && <FormProblem text={notice} />}
        {sso && (
          <p>
            <a class="button primary sso" href={sso.login} data-testid="sso-login">
              Sign in with {sso.name || 'single sign-on'}
            </a>
            <span class="muted"> or with your email and password:</span>
          </p>
        )}
        <Field label="Email" name="email" type="email" autoComplete="username" value={email} onValue={setEmail} problem={problems.email} autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} problem={problems.password} />
        <FormProblem text={problems['']} />
        <div class="form-actions">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ChangePasswordDialog({ onClose }: { onClose(): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const { problems, busy, submit } = useSubmit(
    () => {
      const p = validateNewPassword(next, repeat, 'new_password');
      if (current === '') p.current_password = 'Enter your current password.';
      return p;
    },
    async () => {
      await changePassword(current, next);
      setDone(true);
    },
    ['current_password', 'new_password'],
    'Your current password is wrong.',
  );
  return (
    <Dialog title="Change password" onClose={onClose} testid="change-password">
      {done ? (
        <div class="account-form">
          <p role="status">Your password is changed. Every other session of yours was signed out.</p>
          <div class="form-actions">
            <DoneButton onClick={onClose} />
          </div>
        </div>
      ) : (
        <form class="account-form" onSubmit={submit} noValidate>
          <Field label="Current password" name="current_password" type="password" autoComplete="current-password" value={current} onValue={setCurrent} problem={problems.current_password} autoFocus />
          <NewPasswordFields next={next} repeat={repeat} setNext={setNext} setRepeat={setRepeat} problems={problems} field="new_password" />
          <FormProblem text={problems['']} />
          <div class="form-actions">
            <button type="submit" class="button primary" disabled={busy}>
              Change password
            </button>
            <button type="button" class="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function NewPasswordFields(props: { next: string; repeat: string; setNext(v: string): void; setRepeat(v: string): void; problems: FieldProblems; field: string; autoFocus?: boolean }) {
  return (
    <>
      <Field
        label="New password"
        name={props.field}
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        value={props.next}
        onValue={props.setNext}
        problem={props.problems[props.field]}
        autoFocus={props.autoFocus}
      />
      <Field label="New password again" name="repeat" type="password" autoComplete="new-password" value={props.repeat} onValue={props.setRepeat} problem={props.problems.repeat} />
    </>
  );
}

/** The page an invitation or reset link opens: "Set your password", then signed in. */
export function AcceptDialog({ link, onClose, onDone }: { link: string; onClose(): void; onDone(u: User): void }) {
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const { problems, busy, submit } = useSubmit(
    () => validateNewPassword(next, repeat),
    async () => {
      const { user } = await acceptLink(link, next);
      onDone(user);
      signedIn(user);
    },
    ['password'],
    'This link cannot be used: it has expired or was used already. Ask the secretariat for a new one.',
  );
  return (
    <Dialog title="Set your password" onClose={onClose} testid="accept">
      <form class="account-form" onSubmit={submit} noValidate>
        <p class="muted">Choose the password you will sign in with. The link works once.</p>
        <NewPasswordFields next={next} repeat={repeat} setNext={setNext} setRepeat={setRepeat} problems={problems} field="password" autoFocus />
        <FormProblem text={problems['']} />
        <div class="form-actions">
          <button type="submit" class="button primary" disabled={busy}>
            Set password and sign in
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DoneButton({ onClick }: { onClick(): void }) {
  const ref = useFocusOnMount<HTMLButtonElement>();
  return (
    <button type="button" class="button primary" ref={ref} onClick={onClick}>
      Done
    </button>
  );
}
