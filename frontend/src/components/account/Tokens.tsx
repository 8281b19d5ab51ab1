/**
 * "My tokens": my API tokens for scripts (name, prefix, scope, dates), a
 * form that makes one and shows its secret once, and revoking with a
 * confirmation.
 */
import { useState } from 'preact/hooks';

import { ApiError, createToken, revokeToken, tokens, type Token, type TokenScope } from '../../api.ts';
import {
  expiryFromDays,
  formatExpiry,
  formatWhen,
  problemsOf,
  TOKEN_LIFETIMES,
  tokenState,
  validateTokenName,
  type FieldProblems,
} from '../../account.ts';
import { formatDate } from '../../format.ts';
import { ErrorNote, Loading, useAsync } from '../common.tsx';
import { CopyBox, Dialog, Field, FormProblem, useFocusOnMount } from './Dialog.tsx';

export function TokensDialog({ onClose }: { onClose(): void }) {
  const [round, setRound] = useState(0);
  const list = useAsync(`tokens/${round}`, () => tokens());
  const [made, setMade] = useState<{ token: Token; secret: string } | null>(null);
  const reload = () => setRound((n) => n + 1);
  return (
    <Dialog title="My tokens" onClose={onClose} wide testid="tokens">
      <p class="muted">
        A token lets a script use the API as you (send it as <code>Authorization: Bearer …</code>). A read token only reads; a write token may
        change what you may change.
      </p>
      {made && (
        <div class="secret" role="status" data-testid="token-secret">
          <p>
            <strong>Token “{made.token.name}” made. Copy it now: you will not see it again.</strong>
          </p>
          <CopyBox label="Token" value={made.secret} />
          <button type="button" class="link" onClick={() => setMade(null)}>
            I have copied it
          </button>
        </div>
      )}
      <NewToken
        onMade={(m) => {
          setMade(m);
          reload();
        }}
      />
      <h3>Tokens</h3>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!list.data && list.state === 'loading' && <Loading what="your tokens" />}
      {list.data && list.data.length === 0 && <p class="muted">You have no tokens.</p>}
      {list.data && list.data.length > 0 && <TokenTable tokens={list.data} onRevoked={reload} />}
    </Dialog>
  );
}

function NewToken({ onMade }: { onMade(m: { token: Token; secret: string }): void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [days, setDays] = useState(90);
  const [problems, setProblems] = useState<FieldProblems>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const p = validateTokenName(name);
    setProblems(p);
    if (Object.keys(p).length > 0) return;
    setBusy(true);
    try {
      const m = await createToken(name.trim(), scope, expiryFromDays(days));
      setName('');
      onMade(m);
    } catch (err) {
      setProblems(err instanceof ApiError ? problemsOf(err, ['name', 'scope', 'expires_at']) : { '': 'Something went wrong.' });
    }
    setBusy(false);
  };
  return (
    <form class="account-form inline" onSubmit={submit} noValidate aria-label="New token">
      <Field label="Name" name="name" maxLength={100} value={name} onValue={setName} problem={problems.name} placeholder="e.g. nightly export" />
      <div class="form-field">
        <label for="token-scope">Scope</label>
        <select id="token-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as TokenScope)}>
          <option value="read">Read</option>
          <option value="write">Read and write</option>
        </select>
        {problems.scope && <span class="field-problem">{problems.scope}</span>}
      </div>
      <div class="form-field">
        <label for="token-expiry">Expires after</label>
        <select id="token-expiry" value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          {TOKEN_LIFETIMES.map((l) => (
            <option value={l.days}>{l.label}</option>
          ))}
        </select>
        {problems.expires_at && <span class="field-problem">{problems.expires_at}</span>}
      </div>
      <div class="form-actions">
        <button type="submit" class="button primary" disabled={busy}>
          Make a token
        </button>
      </div>
      <FormProblem text={problems['']} />
    </form>
  );
}

function TokenTable({ tokens, onRevoked }: { tokens: Token[]; onRevoked(): void }) {
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const revoke = async (t: Token) => {
    try {
      await revokeToken(t.id);
      setConfirming(null);
      setError(null);
      onRevoked();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <>
      {error && <ErrorNote error={error} />}
      <div class="table-wrap">
        <table class="account-table" data-testid="token-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Scope</th>
              <th scope="col">Made</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => {
              const state = tokenState(t);
              return (
                <tr key={t.id} class={state === 'active' ? '' : 'inactive'}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{t.scope === 'write' ? 'Read and write' : 'Read'}</td>
                  <td>{formatDate(t.created_at)}</td>
                  <td>{formatWhen(t.last_used_at)}</td>
                  <td>{state === 'revoked' ? `revoked ${formatDate(t.revoked_at)}` : formatExpiry(t.expires_at)}</td>
                  <td>
                    {state === 'revoked' ? null : confirming === t.id ? (
                      <ConfirmRevoke name={t.name} onRevoke={() => revoke(t)} onKeep={() => setConfirming(null)} />
                    ) : (
                      <button type="button" class="link" onClick={() => setConfirming(t.id)}>
                        Revoke<span class="visually-hidden"> {t.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** "Revoke? Scripts using it stop working. [Revoke] [Keep]", focused on Keep. */
function ConfirmRevoke({ name, onRevoke, onKeep }: { name: string; onRevoke(): void; onKeep(): void }) {
  const keep = useFocusOnMount<HTMLButtonElement>();
  return (
    <span class="confirm" role="group" aria-label={`Revoke ${name}?`}>
      Revoke? Scripts using it stop working.{' '}
      <button type="button" class="button danger" onClick={onRevoke}>
        Revoke
      </button>{' '}
      <button type="button" class="button" ref={keep} onClick={onKeep}>
        Keep
      </button>
    </span>
  );
}
