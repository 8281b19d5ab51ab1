import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  ApiError,
  acceptLink,
  auditLog,
  createToken,
  login,
  logout,
  me,
  parseRetryAfter,
  patchUser,
  revokeToken,
  tokens,
  users,
} from './api.ts';

interface Sent {
  url: string;
  init: RequestInit;
}

/** Replaces fetch with one answering `res` (a copy each time), and records the requests. */
function answer(res: Response): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    sent.push({ url, init });
    return res.clone();
  });
  return sent;
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return json({ type: 'about:blank', status, ...body }, status, { 'content-type': 'application/problem+json', ...headers });
}

const user = {
  id: 7,
  email: 'ana@example.org',
  display_name: 'Ana',
  organisation_id: 3,
  organisation: 'Oxfam',
  role: 'editor',
  disabled: false,
  has_password: true,
  single_sign_on: false,
  created_at: '2026-01-02T00:00:00Z',
  last_sign_in_at: null,
  version: 4,
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the account client', () => {
  it('signs in with a JSON body on the same origin, with the cookie', async () => {
    const sent = answer(json({ user }));
    const r = await login('ana@example.org', 'correct horse battery');
    expect(r.user.display_name).toBe('Ana');
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe('/auth/login');
    expect(sent[0].init.method).toBe('POST');
    expect(sent[0].init.credentials).toBe('same-origin');
    expect((sent[0].init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(sent[0].init.body as string)).toEqual({ email: 'ana@example.org', password: 'correct horse battery' });
  });

  it('reads /auth/me, signed in or not', async () => {
    answer(json({ signed_in: false }));
    expect(await me()).toEqual({ signed_in: false });
    const sent = answer(json({ signed_in: true, user, via: 'session', scope: '' }));
    const m = await me();
    expect(m.signed_in && m.user.id).toBe(7);
    expect(sent[0].init.method).toBe('GET');
    expect(sent[0].init.credentials).toBe('same-origin');
  });

  it('answers undefined for a 204 (sign out, revoke)', async () => {
    const sent = answer(new Response(null, { status: 204 }));
    await expect(logout()).resolves.toBeUndefined();
    await expect(revokeToken(12)).resolves.toBeUndefined();
    expect(sent.map((s) => `${s.init.method} ${s.url}`)).toEqual(['POST /auth/logout', 'DELETE /auth/tokens/12']);
    expect(sent[0].init.body).toBeUndefined();
  });

  it('turns a problem with a JSON pointer into an ApiError naming the field', async () => {
    answer(problem(400, { title: 'Bad Request', detail: 'invalid body', errors: [{ pointer: '/email', detail: 'is not an email address' }] }));
    const e = (await login('nope', 'x').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.errors).toEqual([{ pointer: '/email', detail: 'is not an email address' }]);
    expect(e.message).toBe('invalid body (/email: is not an email address)');
  });

  it('reports a 401 as such', async () => {
    answer(problem(401, { title: 'Unauthorized', detail: 'wrong email or password' }));
    const e = (await login('ana@example.org', 'wrong').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(e.message).toBe('wrong email or password');
    expect(e.retryAfter).toBeUndefined();
  });

  it('reads Retry-After of a 429', async () => {
    answer(problem(429, { title: 'Too Many Requests', detail: 'too many sign-in attempts' }, { 'Retry-After': '120' }));
    const e = (await login('ana@example.org', 'again').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(429);
    expect(e.retryAfter).toBe(120);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-03T14:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Thu, 03 Dec 2026 14:05:00 GMT', now)).toBe(300);
    expect(parseRetryAfter('Thu, 03 Dec 2026 13:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const e = (await me().catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(0);
  });

  it('makes a token with or without an expiry', async () => {
    const sent = answer(json({ token: { id: 1, name: 'n', scope: 'read' }, secret: 'cgt_abc' }, 201));
    const r = await createToken('nightly', 'read', '2027-01-01T00:00:00.000Z');
    expect(r.secret).toBe('cgt_abc');
    await createToken('forever', 'write');
    expect(JSON.parse(sent[0].init.body as string)).toEqual({ name: 'nightly', scope: 'read', expires_at: '2027-01-01T00:00:00.000Z' });
    expect(JSON.parse(sent[1].init.body as string)).toEqual({ name: 'forever', scope: 'write' });
  });

  it('reads lists answered as an array or under a key', async () => {
    answer(json([{ id: 1 }]));
    expect(await tokens()).toEqual([{ id: 1 }]);
    answer(json({ tokens: [{ id: 2 }] }));
    expect(await tokens()).toEqual([{ id: 2 }]);
    const sent = answer(json({ users: [user] }));
    expect((await users(3))[0].id).toBe(7);
    await users();
    expect(sent.map((s) => s.url)).toEqual(['/users?organisation=3', '/users']);
    const audit = answer(json({ audit: [] }));
    expect(await auditLog(50, 100)).toEqual([]);
    expect(audit[0].url).toBe('/audit?limit=50&offset=100');
  });

  it('patches a user with If-Match of its version, and surfaces a 412', async () => {
    const sent = answer(json({ ...user, role: 'viewer', version: 5 }));
    const u = await patchUser(7, 4, { role: 'viewer' });
    expect(u.version).toBe(5);
    const h = sent[0].init.headers as Record<string, string>;
    expect(sent[0].init.method).toBe('PATCH');
    expect(h['If-Match']).toBe('"4"');
    expect(h['Content-Type']).toBe('application/merge-patch+json');
    expect(JSON.parse(sent[0].init.body as string)).toEqual({ role: 'viewer' });

    answer(problem(412, { title: 'Precondition Failed', detail: 'the user has changed' }));
    const e = (await patchUser(7, 4, { disabled: true }).catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(412);
  });

  it('accepts an invitation link with the new password', async () => {
    const sent = answer(json({ user }));
    await acceptLink('cgl_xyz', 'a long enough password');
    expect(sent[0].url).toBe('/auth/accept');
    expect(JSON.parse(sent[0].init.body as string)).toEqual({ link: 'cgl_xyz', password: 'a long enough password' });
  });
});
