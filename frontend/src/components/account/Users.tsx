/**
 * The secretariat's area: the users (filtered by organisation) with their
 * role and state to change, an invitation form whose link is shown to copy
 * (and mailed when the server has an SMTP relay), reset links, and the audit log, newest first.
 */
import { useState } from 'preact/hooks';

import {
  ApiError,
  apiURL,
  auditLog,
  getJSON,
  inviteUser,
  patchUser,
  resetLink,
  users,
  type AccountLink,
  type LinkMail,
  type FeatureCollection,
  type Organisation,
  type User,
  type UserPatch,
  type UserRole,
} from '../../api.ts';
import { formatExpiry, mailNote, problemsOf, ROLE_NAMES, validateInvite, type FieldProblems } from '../../account.ts';
import { formatDate } from '../../format.ts';
import { ErrorNote, Loading, useAsync } from '../common.tsx';
import { CopyBox, Dialog, Field, FormProblem } from './Dialog.tsx';

type Tab = 'people' | 'audit';
type Orgs = { id: number; name: string }[];

export function UsersDialog({ onClose }: { onClose(): void }) {
  const [tab, setTab] = useState<Tab>('people');
  const orgs = useAsync('organisations', (signal) =>
    getJSON<FeatureCollection<Organisation>>(apiURL('/collections/organisations/items', { limit: 1000 }), signal).then((fc) =>
      fc.features.map((f) => ({ id: f.id, name: f.properties.name })).sort((a, b) => a.name.localeCompare(b.name)),
    ),
  );
  return (
    <Dialog title="Users" onClose={onClose} wide testid="users">
      <div
        class="tabs small"
        role="tablist"
        aria-label="Users"
        onKeyDown={(e) => {
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
          e.preventDefault();
          const next: Tab = tab === 'people' ? 'audit' : 'people';
          setTab(next);
          document.getElementById(`users-tab-${next}`)?.focus();
        }}
      >
        {(['people', 'audit'] as const).map((t) => (
          <button
            type="button"
            role="tab"
            id={`users-tab-${t}`}
            aria-selected={tab === t}
            tabIndex={tab === t ? 0 : -1}
            aria-controls="users-panel"
            class={tab === t ? 'tab active' : 'tab'}
            onClick={() => setTab(t)}
          >
            {t === 'people' ? 'People' : 'Audit log'}
          </button>
        ))}
      </div>
      <div id="users-panel" role="tabpanel" aria-labelledby={`users-tab-${tab}`}>
        {tab === 'people' ? <People orgs={orgs.data ?? []} /> : <AuditLog />}
      </div>
    </Dialog>
  );
}

function People({ orgs }: { orgs: Orgs }) {
  const [org, setOrg] = useState(0);
  const [round, setRound] = useState(0);
  const [link, setLink] = useState<(AccountLink & { what: string }) | null>(null);
  const list = useAsync(`users/${org}/${round}`, () => users(org));
  const reload = () => setRound((n) => n + 1);
  return (
    <>
      {link && (
        <div class="secret" role="status" data-testid="account-link">
          <p>
            <strong>{link.what}</strong> Pass this link on; it works once and expires {formatExpiry(link.expires_at)}.
          </p>
          {link.mail && <MailNote mail={link.mail} />}
          <CopyBox label="Link" value={link.link} />
          <button type="button" class="link" onClick={() => setLink(null)}>
            Done
          </button>
        </div>
      )}
      <Invite
        orgs={orgs}
        onInvited={(r) => {
          setLink({ link: r.link, expires_at: r.expires_at, mail: r.mail, what: `${r.user.display_name} is invited.` });
          reload();
        }}
      />
      <h3>People</h3>
      <div class="form-field inline">
        <label for="users-org">Organisation</label>
        <select id="users-org" value={org} onChange={(e) => setOrg(Number(e.currentTarget.value))}>
          <option value={0}>All</option>
          {orgs.map((o) => (
            <option value={o.id}>{o.name}</option>
          ))}
        </select>
      </div>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!list.data && list.state === 'loading' && <Loading what="users" />}
      {list.data && list.data.length === 0 && <p class="muted">No users here.</p>}
      {list.data && list.data.length > 0 && (
        <UserTable users={list.data} onChanged={reload} onLink={(l, u) => setLink({ ...l, what: `A password reset link for ${u.display_name}.` })} />
      )}
    </>
  );
}

/** Whether the link was also mailed: "Sent to <email>", or why not (the link is there to copy either way). */
function MailNote({ mail }: { mail: LinkMail }) {
  const n = mailNote(mail);
  return (
    <p class={n.ok ? undefined : 'error'} data-testid="link-mail">
      {n.text}
    </p>
  );
}

function Invite({ orgs, onInvited }: { orgs: Orgs; onInvited(r: { user: User } & AccountLink): void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('viewer');
  const [org, setOrg] = useState(0);
  const [problems, setProblems] = useState<FieldProblems>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const p = validateInvite(email, name, role, org);
    setProblems(p);
    if (Object.keys(p).length > 0) return;
    setBusy(true);
    try {
      const r = await inviteUser({
        email: email.trim(),
        display_name: name.trim(),
        role,
        ...(role === 'secretariat' ? {} : { organisation_id: org }),
      });
      setEmail('');
      setName('');
      onInvited(r);
    } catch (err) {
      setProblems(err instanceof ApiError ? problemsOf(err, ['email', 'display_name', 'organisation_id', 'role']) : { '': 'Something went wrong.' });
    }
    setBusy(false);
  };
  return (
    <details class="invite">
      <summary>Invite someone</summary>
      <form class="account-form inline" onSubmit={submit} noValidate aria-label="Invite someone">
        <Field label="Email" name="email" type="email" value={email} onValue={setEmail} problem={problems.email} />
        <Field label="Name" name="display_name" value={name} onValue={setName} problem={problems.display_name} />
        <div class="form-field">
          <label for="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as UserRole)}>
            {(Object.keys(ROLE_NAMES) as UserRole[]).map((r) => (
              <option value={r}>{ROLE_NAMES[r]}</option>
            ))}
          </select>
          {problems.role && <span class="field-problem">{problems.role}</span>}
        </div>
        {role !== 'secretariat' && (
          <div class="form-field">
            <label for="invite-org">Organisation</label>
            <select
              id="invite-org"
              value={org}
              aria-invalid={problems.organisation_id ? true : undefined}
              aria-describedby={problems.organisation_id ? 'invite-org-problem' : undefined}
              onChange={(e) => setOrg(Number(e.currentTarget.value))}
            >
              <option value={0}>Choose…</option>
              {orgs.map((o) => (
                <option value={o.id}>{o.name}</option>
              ))}
            </select>
            {problems.organisation_id && (
              <span class="field-problem" id="invite-org-problem">
                {problems.organisation_id}
              </span>
            )}
          </div>
        )}
        <div class="form-actions">
          <button type="submit" class="button primary" disabled={busy}>
            Invite
          </button>
        </div>
        <FormProblem text={problems['']} />
      </form>
    </details>
  );
}

function UserTable({ users, onChanged, onLink }: { users: User[]; onChanged(): void; onLink(l: AccountLink, u: User): void }) {
  const [error, setError] = useState<string | null>(null);
  const run = async (u: User, work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
    } catch (err) {
      const e = err as ApiError;
      setError(e.status === 412 ? `${u.display_name} was changed by someone else meanwhile: the list is loaded again, try once more.` : e.message);
    }
    onChanged();
  };
  const patch = (u: User, p: UserPatch) => run(u, () => patchUser(u.id, u.version, p));
  const reset = (u: User) =>
    run(u, async () => {
      onLink(await resetLink(u.id), u);
    });
  return (
    <>
      {error && (
        <p class="form-problem" role="alert">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table class="account-table" data-testid="user-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Organisation</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} class={u.disabled ? 'inactive' : ''}>
                <td>
                  {u.display_name}
                  <div class="muted">{u.email}</div>
                </td>
                <td>{u.organisation ?? (u.role === 'secretariat' ? 'Secretariat' : '')}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.display_name}`}
                    value={u.role}
                    onChange={(e) => patch(u, { role: e.currentTarget.value as UserRole })}
                  >
                    {(Object.keys(ROLE_NAMES) as UserRole[])
                      .filter((r) => (u.role === 'secretariat') === (r === 'secretariat'))
                      .map((r) => (
                        <option value={r}>{ROLE_NAMES[r]}</option>
                      ))}
                  </select>
                </td>
                <td>{u.last_sign_in_at ? formatDate(u.last_sign_in_at) : 'never'}</td>
                <td>{u.disabled ? 'Disabled' : u.has_password || u.single_sign_on ? 'Active' : 'Invited'}</td>
                <td class="actions">
                  <button type="button" class="link" onClick={() => patch(u, { disabled: !u.disabled })}>
                    {u.disabled ? 'Enable' : 'Disable'}
                    <span class="visually-hidden"> {u.display_name}</span>
                  </button>{' '}
                  <button type="button" class="link" onClick={() => reset(u)} disabled={u.disabled}>
                    Reset link<span class="visually-hidden"> for {u.display_name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const AUDIT_PAGE = 50;

function AuditLog() {
  const [offset, setOffset] = useState(0);
  const log = useAsync(`audit/${offset}`, () => auditLog(AUDIT_PAGE, offset));
  return (
    <>
      {log.state === 'error' && <ErrorNote error={log.error} retry={log.retry} />}
      {!log.data && log.state === 'loading' && <Loading what="the audit log" />}
      {log.data && log.data.length === 0 && <p class="muted">Nothing {offset > 0 ? 'older' : 'yet'}.</p>}
      {log.data && log.data.length > 0 && (
        <div class="table-wrap">
          <table class="account-table" data-testid="audit-log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Email</th>
                <th scope="col">Address</th>
                <th scope="col">By / about</th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((a) => (
                <tr key={a.id}>
                  <td>{new Date(a.at).toLocaleString('en-GB')}</td>
                  <td>
                    <code>{a.event}</code>
                  </td>
                  <td>{a.email ?? ''}</td>
                  <td>{a.address ?? ''}</td>
                  <td>
                    {a.actor_id ? `user ${a.actor_id}` : ''}
                    {a.subject_id ? ` → user ${a.subject_id}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        <button type="button" class="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - AUDIT_PAGE))}>
          ← Newer
        </button>
        <button type="button" class="button" disabled={!log.data || log.data.length < AUDIT_PAGE} onClick={() => setOffset(offset + AUDIT_PAGE)}>
          Older →
        </button>
      </div>
    </>
  );
}

/**
 * A member's view of the people of their own organisation (GET /users
 * answers a member with just those): names, roles and whether they have
 * signed in, nothing to change. The secretariat administers them.
 */
export function OrganisationPeopleDialog({ organisation, onClose }: { organisation: string; onClose(): void }) {
  const list = useAsync('organisation-people', () => users());
  return (
    <Dialog title={`People of ${organisation}`} onClose={onClose} wide testid="organisation-people">
      <p class="muted">Who of your organisation has an account here. To invite someone or change a role, ask the secretariat.</p>
      {list.state === 'error' && <ErrorNote error={list.error} retry={list.retry} />}
      {!list.data && list.state === 'loading' && <Loading what="the people" />}
      {list.data && (
        <table class="account-table" data-testid="organisation-people-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((u) => (
              <tr key={u.id} class={u.disabled ? 'inactive' : ''}>
                <td>
                  {u.display_name}
                  <div class="muted">{u.email}</div>
                </td>
                <td>{ROLE_NAMES[u.role] ?? u.role}</td>
                <td>{u.disabled ? 'disabled' : u.last_sign_in_at ? formatDate(u.last_sign_in_at) : 'never'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
