/**
 * The web app's client of CommonGround's HTTP API (README "HTTP API"): typed
 * requests on the same origin, and the server's problem+json errors turned
 * into an ApiError whose message names what was wrong.
 */
import type { Filters } from './filters.ts';
import { filterParams } from './filters.ts';

/** One entry of a problem's `errors` list: the parameter, JSON pointer or line at fault. */
export interface FieldError {
  parameter?: string;
  pointer?: string;
  line?: number;
  detail?: string;
  code?: string;
}

/** An RFC 9457 problem from the server, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly requestId?: string;
  /** Seconds to wait before trying again (a 429's or 503's Retry-After), when the server said. */
  readonly retryAfter?: number;

  constructor(status: number, title: string, detail = '', errors: FieldError[] = [], requestId?: string, retryAfter?: number) {
    super(describe(status, title, detail, errors));
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }
}

/** Retry-After as seconds from now: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function describe(status: number, title: string, detail: string, errors: FieldError[]): string {
  const fields = errors
    .map((e) => {
      const where = e.parameter ?? e.pointer ?? (e.line !== undefined ? `line ${e.line}` : '');
      return [where, e.detail].filter(Boolean).join(': ');
    })
    .filter(Boolean);
  let text = detail || title || (status ? `HTTP ${status}` : 'The server could not be reached');
  if (fields.length > 0) text += ` (${fields.join('; ')})`;
  return text;
}

/** Reads a failed response into an ApiError (problem+json when the server sent one). */
export async function errorFrom(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const p = (await res.json()) as {
        title?: string;
        detail?: string;
        errors?: FieldError[];
        request_id?: string;
      };
      return new ApiError(res.status, p.title ?? res.statusText, p.detail ?? '', p.errors ?? [], p.request_id, retryAfter);
    } catch {
      // fall through: not the JSON it claimed to be
    }
  }
  return new ApiError(res.status, res.statusText || `HTTP ${res.status}`, '', [], undefined, retryAfter);
}

/** The path with its query (parameters with empty values are left out). */
export function apiURL(path: string, params?: URLSearchParams | Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  if (params instanceof URLSearchParams) {
    params.forEach((v, k) => {
      if (v !== '') q.append(k, v);
    });
  } else if (params) {
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== '') q.set(k, String(v));
    }
  }
  const s = q.toString().replaceAll('%2C', ',');
  return s ? `${path}?${s}` : path;
}

/**
 * The panels' requests wait for this before they go: the map's own requests
 * (style, TileJSON, tiles, glyphs) come first, since a browser opens at most
 * six connections to one host and the map is what a visitor sees first.
 */
let gate: Promise<void> = Promise.resolve();

/** Holds every getJSON request until `p` settles (see gate). */
export function holdRequestsUntil(p: Promise<void>): void {
  gate = p.catch(() => undefined);
}

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** Waits for the gate, or throws AbortError if `signal` aborts first. */
function throughGate(signal?: AbortSignal): Promise<void> {
  if (!signal) return gate;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const abort = () => reject(abortError());
    signal.addEventListener('abort', abort, { once: true });
    gate.then(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    });
  });
}

/** GETs JSON; throws ApiError on an HTTP error or a network failure, and AbortError when aborted. */
export async function getJSON<T>(url: string, signal?: AbortSignal): Promise<T> {
  await throughGate(signal);
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, 'The server could not be reached', 'Check your connection and try again.');
  }
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

export function isAbort(err: unknown): boolean {
  return (err as Error)?.name === 'AbortError';
}

/** Filters plus extra parameters, as one query. */
function withFilters(f: Filters, extra: Record<string, string | number | undefined> = {}): URLSearchParams {
  const p = filterParams(f);
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  return p;
}

// ---------------------------------------------------------------- types

export interface Money {
  currency: string;
  amount: number;
}

export interface ActivityOrganisation {
  id: number;
  slug: string;
  name: string;
  role: 'lead' | 'implementing' | 'funding' | 'partner' | string;
  constituency: string;
}

export interface ActivityLocation {
  kind: string;
  precision: string;
  name: string | null;
  country_code: string | null;
  place_id: number | null;
}

export interface ActivityProperties {
  iati_identifier: string | null;
  title: string;
  description: string | null;
  status: string;
  start_date: string | null;
  end_date: string | null;
  budget: number | null;
  currency: string | null;
  visibility: string;
  programme_id: number | null;
  programme_name: string | null;
  programme_type: string | null;
  lead_organisation_id: number | null;
  lead_organisation: string | null;
  lead_constituency: string | null;
  organisations: ActivityOrganisation[];
  themes: string[];
  countries: string[];
  precision: string;
  location_count: number;
  locations: ActivityLocation[];
  demo?: boolean;
  updated_at: string;
}

export interface Feature<G, P> {
  type: 'Feature';
  id: number;
  geometry: G;
  properties: P;
}

export type MultiPoint = { type: 'MultiPoint'; coordinates: [number, number][] };
export type Activity = Feature<MultiPoint | null, ActivityProperties>;

export interface FeatureCollection<F> {
  type: 'FeatureCollection';
  numberMatched?: number;
  numberReturned: number;
  features: F[];
}

export interface OrganisationProperties {
  name: string;
  short_name: string | null;
  slug: string;
  constituency: string;
  iati_org_id: string | null;
  website: string | null;
  member_since: string | null;
  last_reported: string | null;
  activity_count: number;
  country_count: number;
  aliases: string[];
}
export type Organisation = Feature<{ type: 'Point'; coordinates: [number, number] } | null, OrganisationProperties>;

export interface ProgrammeProperties {
  slug: string;
  name: string;
  type: string;
  tier: number;
  description: string | null;
  lead_organisation_id: number | null;
  lead_organisation: string | null;
  activity_count?: number;
}
export type Programme = Feature<null, ProgrammeProperties>;

export interface StatsGroup {
  key: string;
  label: string;
  activity_count: number;
  organisation_count: number;
  budgets: Money[];
}

export interface Stats {
  group_by?: string;
  total: StatsGroup;
  groups?: StatsGroup[];
}

export type GroupBy =
  | 'country'
  | 'region'
  | 'theme'
  | 'organisation'
  | 'constituency'
  | 'programme_type'
  | 'status'
  | 'start_year';

export interface SearchResult {
  type: 'place' | 'activity' | 'organisation';
  id: number;
  name: string;
  detail: string;
  country_code: string | null;
  point: [number, number] | null;
  score: number;
}

export interface OverlapSide {
  id: number;
  title: string;
  status: string;
  start_date: string | null;
  end_date: string | null;
  organisation: { id: number; name: string; constituency: string };
  location: string;
  country_wide: boolean;
  point?: [number, number];
  href: string;
}

export interface Overlap {
  a: OverlapSide;
  b: OverlapSide;
  score: number;
  place_tier: 'near' | 'in_country' | 'same_country';
  place: string;
  country: string;
  distance_km: number | null;
  same_place: boolean;
  active_now: boolean;
  period: { start: string | null; end: string | null };
  reason: string;
  reasons: string[];
  themes: string[];
  theme_names: string[];
}

export interface OverlapPage {
  numberMatched: number;
  numberReturned: number;
  overlaps: Overlap[];
}

export interface MatrixOrganisation {
  id: number;
  name: string;
  constituency: string;
}

export interface MatrixCell {
  a: number;
  b: number;
  overlaps: number;
  best_score: number;
  themes: { code: string; overlaps: number }[];
}

export interface OverlapMatrix {
  overlaps: number;
  organisations: MatrixOrganisation[];
  cells: MatrixCell[];
}

export interface Hotspot {
  place: string;
  place_id: number | null;
  country: string;
  point: [number, number];
  theme: string;
  theme_name: string;
  day: string;
  member_count: number;
  members: MatrixOrganisation[];
  activities: { id: number; title: string; organisation: number; href: string }[];
}

export interface HotspotPage {
  numberMatched: number;
  numberReturned: number;
  hotspots: Hotspot[];
}

// ---------------------------------------------------------------- requests

/** A page of the filtered activities (in `bbox` when given), best for a list. */
export function activities(
  f: Filters,
  opts: { bbox?: string; limit?: number; offset?: number; sortby?: string; properties?: string } = {},
  signal?: AbortSignal,
): Promise<FeatureCollection<Activity>> {
  return getJSON(apiURL('/collections/activities/items', withFilters(f, { ...opts })), signal);
}

export function activity(id: number, signal?: AbortSignal): Promise<Activity> {
  return getJSON(`/collections/activities/items/${id}`, signal);
}

export function organisation(id: number, signal?: AbortSignal): Promise<Organisation> {
  return getJSON(`/collections/organisations/items/${id}`, signal);
}

export function programmes(
  params: Record<string, string | number | undefined>,
  signal?: AbortSignal,
): Promise<FeatureCollection<Programme>> {
  return getJSON(apiURL('/collections/programmes/items', params), signal);
}

export function stats(f: Filters, groupBy?: GroupBy, signal?: AbortSignal): Promise<Stats> {
  return getJSON(apiURL('/stats', withFilters(f, { group_by: groupBy })), signal);
}

export function search(q: string, signal?: AbortSignal): Promise<{ q: string; results: SearchResult[] }> {
  return getJSON(apiURL('/search', { q }), signal);
}

export interface OverlapOptions {
  limit?: number;
  offset?: number;
  min_score?: number;
}

export function overlaps(f: Filters, opts: OverlapOptions = {}, signal?: AbortSignal): Promise<OverlapPage> {
  return getJSON(apiURL('/overlaps', withFilters(f, { ...opts })), signal);
}

/** The overlaps of one organisation (`/organisations/{id}/overlaps`) or one activity (`/activities/{id}/overlaps`). */
export function overlapsOf(
  kind: 'organisation' | 'activity',
  id: number,
  f: Filters,
  opts: OverlapOptions = {},
  signal?: AbortSignal,
): Promise<OverlapPage> {
  const path = kind === 'organisation' ? `/organisations/${id}/overlaps` : `/activities/${id}/overlaps`;
  return getJSON(apiURL(path, withFilters(f, { ...opts })), signal);
}

export function overlapMatrix(f: Filters, signal?: AbortSignal): Promise<OverlapMatrix> {
  return getJSON(apiURL('/overlaps/matrix', filterParams(f)), signal);
}

export function hotspots(f: Filters, opts: { limit?: number } = {}, signal?: AbortSignal): Promise<HotspotPage> {
  return getJSON(apiURL('/overlaps/hotspots', withFilters(f, { ...opts })), signal);
}

/** The download URL of every filtered activity as CSV or GeoJSON. */
export function exportURL(f: Filters, format: 'csv' | 'geojson'): string {
  return apiURL('/collections/activities/export', withFilters(f, { f: format }));
}

/**
 * The TileJSON of the filtered data layers (the style's `commonground`
 * source); `v` (which the server ignores) makes a new URL when the viewer
 * changed.
 */
export function tileJSONURL(f: Filters, v?: number): string {
  const p = filterParams(f);
  if (v !== undefined) p.set('v', String(v));
  return apiURL('/tiles/countries,clusters,activities.json', p);
}

// ---------------------------------------------------------------- accounts

/** A person's role: a member organisation's viewer or editor, or the secretariat. */
export type UserRole = 'viewer' | 'editor' | 'secretariat';
/** What an API token may do. */
export type TokenScope = 'read' | 'write';

export interface User {
  id: number;
  email: string;
  display_name: string;
  /** absent (0) for the secretariat */
  organisation_id?: number;
  organisation?: string;
  role: UserRole;
  disabled: boolean;
  has_password: boolean;
  single_sign_on: boolean;
  created_at: string;
  last_sign_in_at: string | null;
  version: number;
}

/** Single sign-on, when the server has it configured: the button's name and where it starts. */
export interface SingleSignOn {
  name: string;
  login: string;
}

/** GET /auth/me: always 200, signed in or not. */
export type Me =
  | { signed_in: false; single_sign_on?: SingleSignOn }
  | { signed_in: true; user: User; via: 'session' | 'token'; scope: TokenScope | ''; single_sign_on?: SingleSignOn };

export interface Token {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  scope: TokenScope;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  event: string;
  actor_id?: number;
  subject_id?: number;
  email?: string;
  address?: string;
  detail?: Record<string, unknown>;
}

/** What became of mailing a link: present only when the server has an SMTP relay. */
export interface LinkMail {
  sent: boolean;
  to: string;
  error?: string;
}

/**
 * A link to pass on (an invitation or a password reset): always shown to copy; also mailed to
 * the person when the server has an SMTP relay (then `mail` says how that went).
 */
export interface AccountLink {
  link: string;
  expires_at: string;
  mail?: LinkMail;
}

export interface NewUser {
  email: string;
  display_name: string;
  /** omitted for the secretariat */
  organisation_id?: number;
  role: UserRole;
}

export interface UserPatch {
  display_name?: string;
  role?: UserRole;
  disabled?: boolean;
  organisation_id?: number;
}

/** Paths whose 401 means bad credentials, not a lost session. */
const CREDENTIAL_PATHS = ['/auth/login', '/auth/accept', '/auth/password'];
let sessionLost: () => void = () => undefined;

/** Calls `f` when an account request answers 401 (the session expired or was revoked elsewhere). */
export function onSessionLost(f: () => void): void {
  sessionLost = f;
}

/**
 * Sends a request with a JSON body (when given) on the same origin, with the
 * session cookie; answers the JSON (undefined for 204). Throws ApiError as
 * getJSON does. Account requests do not wait for the map (see gate).
 */
export async function sendJSON<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { Accept: 'application/json', ...headers };
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached', 'Check your connection and try again.');
  }
  if (!res.ok) {
    if (res.status === 401 && !CREDENTIAL_PATHS.includes(url)) sessionLost();
    throw await errorFrom(res);
  }
  if (res.status === 204 || res.headers.get('content-length') === '0') return undefined as T;
  return (await res.json()) as T;
}

/** Who is asking: GET /auth/me (200 whether signed in or not). */
export function me(): Promise<Me> {
  return sendJSON('GET', '/auth/me');
}

/** Signs in (the server sets the session cookie). 401 bad credentials, 429 throttled (retryAfter). */
export function login(email: string, password: string): Promise<{ user: User }> {
  return sendJSON('POST', '/auth/login', { email, password });
}

export function logout(): Promise<void> {
  return sendJSON('POST', '/auth/logout');
}

/** My API tokens (a session only, never a token). */
export async function tokens(): Promise<Token[]> {
  return listOf<Token>(await sendJSON('GET', '/auth/tokens'), 'tokens');
}

/** Makes a token; its secret is in this answer only. */
export function createToken(name: string, scope: TokenScope, expiresAt?: string): Promise<{ token: Token; secret: string }> {
  return sendJSON('POST', '/auth/tokens', expiresAt ? { name, scope, expires_at: expiresAt } : { name, scope });
}

export function revokeToken(id: number): Promise<void> {
  return sendJSON('DELETE', `/auth/tokens/${id}`);
}

/** Changes my password; the server revokes every session and sets a new cookie. */
export function changePassword(current: string, next: string): Promise<void> {
  return sendJSON('POST', '/auth/password', { current_password: current, new_password: next });
}

/** Sets the password through an invitation or reset link, and signs in. */
export function acceptLink(link: string, password: string): Promise<{ user: User }> {
  return sendJSON('POST', '/auth/accept', { link, password });
}

/** The users (secretariat: all, or one organisation's; members: their own organisation's). */
export async function users(organisationId?: number): Promise<User[]> {
  return listOf<User>(await sendJSON('GET', apiURL('/users', { organisation: organisationId || undefined })), 'users');
}

export function inviteUser(u: NewUser): Promise<{ user: User } & AccountLink> {
  return sendJSON('POST', '/users', u);
}

/** Changes a user (a JSON merge patch), if it is still at `version`: 412 when someone changed it first. */
export function patchUser(id: number, version: number, p: UserPatch): Promise<User> {
  return sendJSON<User | { user: User }>('PATCH', `/users/${id}`, p, {
    'Content-Type': 'application/merge-patch+json',
    'If-Match': `"${version}"`,
  }).then((r) => ('user' in r && typeof r.user === 'object' ? r.user : (r as User)));
}

export function resetLink(id: number): Promise<AccountLink> {
  return sendJSON('POST', `/users/${id}/reset`);
}

/** A page of the audit log, newest first. */
export async function auditLog(limit: number, offset: number): Promise<AuditEntry[]> {
  return listOf<AuditEntry>(await sendJSON('GET', apiURL('/audit', { limit, offset })), 'audit');
}

/** A list answered as an array, or as an object holding it under `key` (or `items`). */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const o = (body ?? {}) as Record<string, unknown>;
  const v = o[key] ?? o.items ?? o.entries;
  return Array.isArray(v) ? (v as T[]) : [];
}
