// Browser test of the account UI with the /auth answers stood in by the test
// (page.route), so that it runs before and apart from the server's accounts:
// the sign-in dialog (problems by field, 401, 429 with its wait), the account
// menu, "My tokens" (the secret shown once, revoke with a confirmation),
// sign-out, the reload of the map and panels on each change of viewer, the
// "Members only" and "Draft" badges, the accept page, single sign-on's button
// and failure message, and a member's list of the people of their organisation. Run against a server:
//
//   COMMONGROUND_URL=http://127.0.0.1:8080 npx vitest run --config vitest.e2e.config.ts e2e/accounts-ui.e2e.ts
import { resolve } from 'node:path';

import type { BrowserContext, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { artifacts, baseUrl, browserSuite, settledMapState, type Trouble } from './browser.ts';

const USER = {
  id: 7,
  email: 'ana@example.org',
  display_name: 'Ana Editor',
  organisation_id: 3,
  organisation: 'Oxfam (demo)',
  role: 'editor',
  disabled: false,
  has_password: true,
  single_sign_on: false,
  created_at: '2026-01-02T00:00:00Z',
  last_sign_in_at: null,
  version: 1,
};

interface FakeToken {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  scope: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const TOKEN: FakeToken = {
  id: 1,
  user_id: 7,
  name: 'old script',
  prefix: 'cgt_Ab12',
  scope: 'read',
  created_at: '2026-11-01T00:00:00Z',
  expires_at: null,
  last_used_at: '2026-11-20T00:00:00Z',
  revoked_at: null,
};

function json(route: Route, body: unknown, status = 200, headers: Record<string, string> = {}): Promise<void> {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return route.fulfill({ status, headers: { 'content-type': type, ...headers }, body: JSON.stringify(body) });
}

/** Troubles other than the answers the test itself made fail (`expected`: parts of their URLs). */
function unexpected(trouble: Trouble, expected: string[]): string[] {
  const mine = (s: string) => expected.some((e) => s.includes(e)) || /status of (401|429)/.test(s);
  return [...trouble.pageErrors, ...trouble.consoleErrors.filter((s) => !mine(s)), ...trouble.failedRequests.filter((s) => !mine(s)), ...trouble.outsideRequests];
}

/** Stands in for the server's /auth: anonymous until signed in; login fails twice (401, then 429) before it works. */
async function fakeAuth(context: BrowserContext, state: { signedIn: boolean; logins: number; tokens: FakeToken[]; revoked: number[] }) {
  await context.route('**/auth/me', (r) => json(r, state.signedIn ? { signed_in: true, user: USER, via: 'session', scope: '' } : { signed_in: false }));
  await context.route('**/auth/login', (r) => {
    state.logins++;
    if (state.logins === 1) return json(r, { title: 'Unauthorized', status: 401, detail: 'wrong email or password' }, 401);
    if (state.logins === 2) return json(r, { title: 'Too Many Requests', status: 429, detail: 'too many attempts' }, 429, { 'Retry-After': '90' });
    state.signedIn = true;
    return json(r, { user: USER });
  });
  await context.route('**/auth/logout', (r) => {
    state.signedIn = false;
    return r.fulfill({ status: 204 });
  });
  await context.route('**/auth/tokens', (r) => {
    if (r.request().method() === 'POST') {
      const body = JSON.parse(r.request().postData() ?? '{}') as { name: string; scope: string; expires_at?: string };
      const t: FakeToken = { ...TOKEN, id: 2, name: body.name, scope: body.scope, prefix: 'cgt_Zz99', expires_at: body.expires_at ?? null, last_used_at: null, created_at: new Date().toISOString() };
      state.tokens.push(t);
      return json(r, { token: t, secret: 'cgt_Zz99SecretShownOnce' }, 201);
    }
    return json(r, state.tokens);
  });
  await context.route('**/auth/tokens/*', (r) => {
    const id = Number(new URL(r.request().url()).pathname.split('/').pop());
    state.revoked.push(id);
    state.tokens = state.tokens.map((t) => (t.id === id ? { ...t, revoked_at: new Date().toISOString() } : t));
    return r.fulfill({ status: 204 });
  });
}

/** Requests of the data the map and panels show, from `since`. */
function dataRequests(urls: string[], since: number): string[] {
  return urls.slice(since).filter((u) => /\/tiles\/countries,clusters,activities\.json|\/collections\/activities\/items/.test(u));
}

describe('the account UI', () => {
  const open = browserSuite();

  it('signs in (problems by field, 401, 429), makes and revokes a token, signs out, reloading what is shown', async () => {
    const state = { signedIn: false, logins: 0, tokens: [TOKEN], revoked: [] as number[] };
    const { page, trouble } = await open(undefined, (c) => fakeAuth(c, state));
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${baseUrl}/`);
    expect(await settledMapState(page)).toBe('idle');
    await expect.poll(() => page.getByTestId('activity-list').count(), { timeout: 30_000 }).toBe(1);
    expect(urls.filter((u) => u.endsWith('/auth/me'))).toHaveLength(1);

    // The dialog: focus in it, problems by field before anything is sent.
    await page.getByRole('button', { name: 'Sign in' }).click();
    const dialog = page.getByTestId('sign-in');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    expect(await dialog.locator('[data-field="email"]').textContent()).toBe('Enter your email address.');
    expect(await dialog.locator('[data-field="password"]').textContent()).toBe('Enter your password.');
    expect(await dialog.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(state.logins).toBe(0);

    await dialog.getByLabel('Email').fill('ana@example.org');
    await dialog.getByLabel('Password').fill('not the password');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('The email address or the password is wrong.');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Too many attempts. Try again in 2 minutes.');

    const before = urls.length;
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: /Ana Editor/ }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    // Everything shown is loaded again for the signed-in viewer: the tiles (a new TileJSON URL) and the list.
    await expect.poll(() => dataRequests(urls, before).some((u) => u.includes('.json?v=1')), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => dataRequests(urls, before).some((u) => u.includes('/collections/activities/items')), { timeout: 20_000 }).toBe(true);

    // The menu: my name and organisation, my tokens; Escape closes it.
    const account = page.getByRole('button', { name: /Ana Editor/ });
    await account.click();
    const menu = page.getByTestId('account-menu');
    expect(await menu.textContent()).toContain('Ana Editor, Editor at Oxfam (demo)');
    expect(await menu.getByRole('button', { name: 'Users' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(await menu.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('account-button'))).toBe(true);

    await account.click();
    await menu.getByRole('button', { name: 'My tokens' }).click();
    const tokens = page.getByTestId('tokens');
    await tokens.getByTestId('token-list').waitFor();
    expect(await tokens.getByTestId('token-list').textContent()).toContain('old script');
    await tokens.getByRole('button', { name: 'Make a token' }).click();
    expect(await tokens.locator('[data-field="name"]').textContent()).toMatch(/name/);
    await tokens.getByLabel('Name').fill('nightly export');
    await tokens.getByLabel('Scope').selectOption('write');
    await tokens.getByRole('button', { name: 'Make a token' }).click();
    const secret = tokens.getByTestId('token-secret');
    await secret.waitFor();
    expect(await secret.textContent()).toContain('you will not see it again');
    expect(await secret.getByLabel('Token').inputValue()).toBe('cgt_Zz99SecretShownOnce');
    await expect.poll(() => tokens.getByTestId('token-list').textContent()).toContain('nightly export');
    await page.screenshot({ path: resolve(artifacts, 'tokens.png') });

    // Revoke asks first.
    await tokens.getByRole('button', { name: 'Revoke old script' }).click();
    await tokens.getByRole('button', { name: 'Keep' }).click();
    expect(state.revoked).toEqual([]);
    await tokens.getByRole('button', { name: 'Revoke old script' }).click();
    await tokens.getByRole('group', { name: 'Revoke old script?' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => state.revoked).toEqual([1]);
    await expect.poll(() => tokens.getByTestId('token-list').textContent()).toContain('revoked');
    await page.keyboard.press('Escape');
    expect(await tokens.count()).toBe(0);

    // Sign out: the header says "Sign in" again and what is shown is loaded again.
    const beforeOut = urls.length;
    await account.click();
    await menu.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(() => dataRequests(urls, beforeOut).some((u) => u.includes('.json?v=2')), { timeout: 20_000 }).toBe(true);
    expect(unexpected(trouble, ['/auth/login'])).toEqual([]);
  });

  it('shows the Members only and Draft badges in the list and the detail', async () => {
    const { page, trouble } = await open(undefined, async (c) => {
      await c.route('**/auth/me', (r) => json(r, { signed_in: false }));
      // The demo data has no such activities for an anonymous viewer: mark the first two of each answer.
      await c.route(/\/collections\/activities\/items(\/\d+)?(\?.*)?$/, async (r) => {
        const res = await r.fetch();
        const body = (await res.json()) as { features?: { properties: { visibility: string } }[]; properties?: { visibility: string } };
        if (body.features) {
          if (body.features[0]) body.features[0].properties.visibility = 'members';
          if (body.features[1]) body.features[1].properties.visibility = 'draft';
        } else if (body.properties) body.properties.visibility = 'members';
        await r.fulfill({ response: res, body: JSON.stringify(body) });
      });
    });
    await page.goto(`${baseUrl}/`);
    expect(await settledMapState(page)).toBe('idle');
    const list = page.getByTestId('activity-list');
    await list.waitFor({ timeout: 30_000 });
    const cards = list.locator('.card');
    expect(await cards.nth(0).getByTestId('visibility-badge').textContent()).toBe('Members only');
    expect(await cards.nth(1).getByTestId('visibility-badge').textContent()).toBe('Draft');
    expect(await cards.nth(2).getByTestId('visibility-badge').count()).toBe(0);
    await cards.nth(0).click();
    const detail = page.getByTestId('activity-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('visibility-badge').textContent()).toBe('Members only');
    expect(unexpected(trouble, [])).toEqual([]);
  });

  it('sets a password through an invitation link, then is signed in', async () => {
    let accepted: unknown = null;
    const { page, trouble } = await open(undefined, async (c) => {
      await c.route('**/auth/me', (r) => json(r, { signed_in: false }));
      await c.route('**/auth/accept', (r) => {
        accepted = JSON.parse(r.request().postData() ?? 'null');
        return json(r, { user: USER });
      });
    });
    await page.goto(`${baseUrl}/?theme=gender&accept=cgl_InvitationLink`);
    const dialog = page.getByTestId('accept');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.getByRole('heading').textContent()).toBe('Set your password');
    expect(page.url()).not.toContain('accept'); // the link is out of the address
    expect(new URL(page.url()).searchParams.get('theme')).toBe('gender');
    await dialog.getByLabel('New password', { exact: true }).fill('too short');
    await dialog.getByLabel('New password again').fill('too short');
    await dialog.getByRole('button', { name: 'Set password and sign in' }).click();
    expect(await dialog.locator('[data-field="password"]').textContent()).toBe('Use at least 12 characters.');
    expect(accepted).toBeNull();
    await dialog.getByLabel('New password', { exact: true }).fill('a long enough password');
    await dialog.getByLabel('New password again').fill('a long enough password');
    await dialog.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('button', { name: /Ana Editor/ }).waitFor();
    expect(accepted).toEqual({ link: 'cgl_InvitationLink', password: 'a long enough password' });
    expect(await settledMapState(page)).toBe('idle');
    expect(unexpected(trouble, [])).toEqual([]);
  });

  it('offers single sign-on when the server has it, and says why one failed', async () => {
    const { page, trouble } = await open(undefined, async (c) => {
      await c.route('**/auth/me', (r) => json(r, { signed_in: false, single_sign_on: { name: 'Microsoft', login: '/auth/oidc/login' } }));
    });
    await page.goto(`${baseUrl}/?theme=gender#/signin?sso_error=unknown_account`);
    const dialog = page.getByTestId('sign-in');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.getByRole('alert').first().textContent()).toMatch(/no account for that identity/);
    const sso = dialog.getByTestId('sso-login');
    expect(await sso.textContent()).toBe('Sign in with Microsoft');
    expect(await sso.getAttribute('href')).toBe('/auth/oidc/login');
    expect(page.url()).not.toContain('sso_error'); // the code is out of the address
    expect(new URL(page.url()).searchParams.get('theme')).toBe('gender');
    expect(await settledMapState(page)).toBe('idle');
    expect(unexpected(trouble, [])).toEqual([]);
  });

  it('shows a member the people of their own organisation', async () => {
    const { page, trouble } = await open(undefined, async (c) => {
      await c.route('**/auth/me', (r) => json(r, { signed_in: true, user: USER, via: 'session', scope: '' }));
      await c.route(/\/users(\?.*)?$/, (r) =>
        json(r, { users: [USER, { ...USER, id: 8, email: 'ben@example.org', display_name: 'Ben Viewer', role: 'viewer', last_sign_in_at: null }] }),
      );
    });
    await page.goto(`${baseUrl}/`);
    await page.getByRole('button', { name: /Ana Editor/ }).click();
    const menu = page.getByTestId('account-menu');
    expect(await menu.getByRole('button', { name: 'Users' }).count()).toBe(0);
    await menu.getByRole('button', { name: 'People of Oxfam (demo)' }).click();
    const dialog = page.getByTestId('organisation-people');
    await dialog.getByTestId('organisation-people-list').waitFor({ timeout: 30_000 });
    const rows = await dialog.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('Ben Viewer');
    expect(rows[1]).toContain('Viewer');
    expect(unexpected(trouble, [])).toEqual([]);
  });
});

