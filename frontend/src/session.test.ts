import { afterEach, describe, expect, it, vi } from 'vitest';

import { tokens } from './api.ts';
import { currentUser, getSession, loadSession, signedIn, signedOut, subscribeSession } from './session.ts';

const user = {
  id: 1,
  email: 'a@example.org',
  display_name: 'A',
  role: 'secretariat' as const,
  disabled: false,
  has_password: true,
  single_sign_on: false,
  created_at: '2026-01-01T00:00:00Z',
  last_sign_in_at: null,
  version: 1,
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the session', () => {
  it('asks /auth/me once, then follows sign-in and sign-out, counting the changes of viewer', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ signed_in: false }), { headers: { 'content-type': 'application/json' } });
    });
    await Promise.all([loadSession(), loadSession()]);
    await loadSession();
    expect(urls).toEqual(['/auth/me']);
    expect(getSession()).toEqual({ me: { signed_in: false }, generation: 0 });

    const seen: number[] = [];
    const stop = subscribeSession((s) => seen.push(s.generation));
    signedIn(user);
    expect(currentUser()?.id).toBe(1);
    signedOut();
    expect(currentUser()).toBeNull();
    stop();
    expect(seen).toEqual([1, 2]);
  });

  it('signs out here when an account request says the session is gone', async () => {
    signedIn(user);
    const g = getSession().generation;
    vi.stubGlobal('fetch', async () =>
      new Response(JSON.stringify({ title: 'Unauthorized', status: 401 }), { status: 401, headers: { 'content-type': 'application/problem+json' } }),
    );
    await expect(tokens()).rejects.toMatchObject({ status: 401 });
    expect(currentUser()).toBeNull();
    expect(getSession().generation).toBe(g + 1);
  });
});
