/**
 * The pure parts of accounts in the web app: which badge an activity's
 * visibility earns, how token dates read, what a form's fields lack before
 * it is sent, which field a server problem names, and where an invitation
 * or reset link is in the page's address.
 */
import type { ApiError, LinkMail, Token, User, UserRole } from './api.ts';
import { formatDate } from './format.ts';

/** The badge an activity's visibility earns: "Members only", "Draft", or none for a public one. */
export function visibilityBadge(visibility: string | null | undefined): { text: string; className: string; title: string } | null {
  switch (visibility) {
    case 'members':
      return { text: 'Members only', className: 'vis-badge vis-members', title: 'Only people of member organisations see this activity' };
    case 'draft':
      return { text: 'Draft', className: 'vis-badge vis-draft', title: 'A draft: only its organisation’s people and the secretariat see it' };
    default:
      return null;
  }
}

const DAY = 86_400_000;

/** A token's state at `now`: revoked, expired or active. */
export function tokenState(t: Pick<Token, 'expires_at' | 'revoked_at'>, now = Date.now()): 'revoked' | 'expired' | 'active' {
  if (t.revoked_at) return 'revoked';
  if (t.expires_at && Date.parse(t.expires_at) <= now) return 'expired';
  return 'active';
}

/** "never", "expired 3 Mar 2026", "today", "tomorrow" or "in 12 days (15 Mar 2026)". */
export function formatExpiry(expiresAt: string | null | undefined, now = Date.now()): string {
  if (!expiresAt) return 'never';
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return expiresAt;
  if (at <= now) return `expired ${formatDate(expiresAt)}`;
  const days = Math.round((at - now) / DAY);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days (${formatDate(expiresAt)})`;
}

/** "never" or the date (last used). */
export function formatWhen(at: string | null | undefined): string {
  return at ? formatDate(at) : 'never';
}

/** The choices of a new token's lifetime, in days (0: it never expires). */
export const TOKEN_LIFETIMES: readonly { days: number; label: string }[] = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: 0, label: 'Never' },
];

/** The expires_at of a token made now to last `days` (undefined: never). */
export function expiryFromDays(days: number, now = Date.now()): string | undefined {
  return days > 0 ? new Date(now + days * DAY).toISOString() : undefined;
}

/** A form's problems by field name ('' for the form as a whole). */
export type FieldProblems = Record<string, string>;

const MIN_PASSWORD = 12; // geo.MinPasswordLength
const MAX_PASSWORD_BYTES = 256; // geo.MaxPasswordLength

/** The shape of an email address as the server checks it (geo.ValidateEmail). */
export function emailProblem(email: string): string | undefined {
  const e = email.trim();
  const at = e.indexOf('@');
  if (e === '') return 'Enter your email address.';
  if (new TextEncoder().encode(e).length > 254) return 'An email address is at most 254 characters.';
  if (at < 1 || at === e.length - 1 || e.split('@').length !== 2 || /\s/.test(e)) return 'This is not an email address.';
  return undefined;
}

/** What the sign-in form lacks. */
export function validateSignIn(email: string, password: string): FieldProblems {
  const p: FieldProblems = {};
  const e = emailProblem(email);
  if (e) p.email = e;
  if (password === '') p.password = 'Enter your password.';
  return p;
}

/** What a new password lacks (geo.ValidatePassword), and whether it was typed the same twice. */
export function validateNewPassword(password: string, repeat: string, field = 'password'): FieldProblems {
  const p: FieldProblems = {};
  if ([...password].length < MIN_PASSWORD) p[field] = `Use at least ${MIN_PASSWORD} characters.`;
  else if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) p[field] = 'Use at most 256 bytes.';
  else if (password !== repeat) p.repeat = 'The two passwords differ.';
  return p;
}

/** What a new token lacks. */
export function validateTokenName(name: string): FieldProblems {
  const n = name.trim();
  if (n === '') return { name: 'Give the token a name, to know it again.' };
  if ([...n].length > 100) return { name: 'A name is at most 100 characters.' };
  return {};
}

/** What an invitation lacks: members need an organisation, the secretariat has none. */
export function validateInvite(email: string, displayName: string, role: UserRole, organisationId: number | undefined): FieldProblems {
  const p: FieldProblems = {};
  const e = emailProblem(email);
  if (e) p.email = e === 'Enter your email address.' ? 'Enter their email address.' : e;
  if (displayName.trim() === '') p.display_name = 'Enter their name.';
  else if ([...displayName.trim()].length > 200) p.display_name = 'A name is at most 200 characters.';
  if (role !== 'secretariat' && !organisationId) p.organisation_id = 'Choose their organisation.';
  return p;
}

/**
 * A server problem's messages by field: a JSON pointer "/email" or a
 * parameter "email" is field "email"; what names no field of `fields`
 * goes to '' (the form).
 */
export function problemsOf(err: ApiError, fields: readonly string[]): FieldProblems {
  const p: FieldProblems = {};
  const rest: string[] = [];
  for (const e of err.errors) {
    const where = e.pointer ?? e.parameter ?? '';
    const name = where.replace(/^\//, '').split('/')[0];
    const text = e.detail ? sentence(e.detail) : 'Check this.';
    if (fields.includes(name)) p[name] = p[name] ? `${p[name]} ${text}` : text;
    else rest.push([where, e.detail].filter(Boolean).join(': '));
  }
  if (err.status === 429) p[''] = throttledMessage(err.retryAfter);
  else if (Object.keys(p).length === 0) p[''] = err.message;
  else if (rest.length > 0) p[''] = rest.join('; ');
  return p;
}

function sentence(s: string): string {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** What a 429 says: how long to wait, when the server said. */
export function throttledMessage(retryAfter: number | undefined): string {
  if (retryAfter === undefined) return 'Too many attempts. Wait a while, then try again.';
  if (retryAfter < 60) return `Too many attempts. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
  const minutes = Math.ceil(retryAfter / 60);
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export const ROLE_NAMES: Record<UserRole, string> = { viewer: 'Viewer', editor: 'Editor', secretariat: 'Secretariat' };

/** "Ana Silva, Editor at Oxfam" or "Ben Ito, Secretariat". */
export function describeUser(u: Pick<User, 'display_name' | 'role' | 'organisation'>): string {
  const role = ROLE_NAMES[u.role] ?? u.role;
  return u.role === 'secretariat' || !u.organisation ? `${u.display_name}, ${role}` : `${u.display_name}, ${role} at ${u.organisation}`;
}

/**
 * The invitation or reset link in the page's address, if any: `?accept=<link>`
 * on any page (the form the web app asks for), `/accept?link=<link>`, or
 * `#/accept?link=<link>`.
 */
export function acceptLinkIn(loc: { pathname: string; search: string; hash: string }): string | null {
  const q = new URLSearchParams(loc.search);
  const direct = q.get('accept');
  if (direct) return direct;
  if (loc.pathname.replace(/\/+$/, '') === '/accept' && q.get('link')) return q.get('link');
  const m = /^#\/?accept\?(.*)$/.exec(loc.hash);
  if (m) return new URLSearchParams(m[1]).get('link') || null;
  return null;
}

/** The address without the link (so that it is not kept in the history): the search and hash left. */
export function withoutAcceptLink(loc: { pathname: string; search: string; hash: string }): string {
  const q = new URLSearchParams(loc.search);
  q.delete('accept');
  let path = loc.pathname;
  if (path.replace(/\/+$/, '') === '/accept') {
    q.delete('link');
    path = '/';
  }
  const hash = /^#\/?accept\?/.test(loc.hash) ? '' : loc.hash;
  const s = q.toString();
  return `${path}${s ? `?${s}` : ''}${hash}`;
}

/** What each sso_error code of a failed single sign-on means to the person signing in. */
const SSO_ERRORS: Record<string, string> = {
  unknown_account: 'There is no account for that identity here. Ask the secretariat for an invitation, then sign in again.',
  account_disabled: 'This account is disabled. Ask the secretariat.',
  access_denied: 'Single sign-on was cancelled.',
  bad_state: 'That sign-in could not be checked (it was started in another tab or window). Try again.',
  flow_expired: 'That sign-in took too long. Try again.',
  invalid_token: 'The identity provider’s answer could not be verified. Try again, or ask the secretariat.',
  issuer_not_accepted: 'Your organisation’s identity provider is not accepted here. Ask the secretariat.',
  provider_error: 'The identity provider refused the sign-in. Try again.',
  provider_unavailable: 'The identity provider cannot be reached just now. Try again later, or sign in with your password.',
  server_error: 'Something went wrong while signing you in. Try again.',
};

/** The message of a failed single sign-on's code (an unknown code gets a general one). */
export function ssoErrorMessage(code: string): string {
  return SSO_ERRORS[code] ?? 'Single sign-on did not work. Try again, or sign in with your password.';
}

/** The sso_error code in the page's address (`#/signin?sso_error=<code>`, where the server sends a failed single sign-on), if any. */
export function ssoErrorIn(loc: { hash: string }): string | null {
  const m = /^#\/?signin\?(.*)$/.exec(loc.hash);
  return m ? new URLSearchParams(m[1]).get('sso_error') || null : null;
}

/** The address without the sign-in fragment. */
export function withoutSsoError(loc: { pathname: string; search: string; hash: string }): string {
  return `${loc.pathname}${loc.search}${/^#\/?signin\?/.test(loc.hash) ? '' : loc.hash}`;
}

/** What the Users area says beside a link about mailing it: "Sent to <email>." or why not. */
export function mailNote(mail: LinkMail): { ok: boolean; text: string } {
  if (mail.sent) return { ok: true, text: `Sent to ${mail.to}.` };
  return { ok: false, text: `Not mailed to ${mail.to}: ${mail.error || 'the mail relay failed'}. Copy the link instead.` };
}
