// Browser test of accounts against the real server (the Go test makes a
// secretariat user and passes COMMONGROUND_E2E_EMAIL and _PASSWORD): sign in,
// see a members-only activity with its badge and a longer list, sign out,
// and it is gone again. Run against a server with such a user:
//
//   COMMONGROUND_URL=http://127.0.0.1:8080 COMMONGROUND_E2E_EMAIL=... COMMONGROUND_E2E_PASSWORD=... \
//     npx vitest run --config vitest.e2e.config.ts e2e/accounts.e2e.ts
import { resolve } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { artifacts, baseUrl, browserSuite, settledMapState } from './browser.ts';

const email = process.env.COMMONGROUND_E2E_EMAIL ?? '';
const password = process.env.COMMONGROUND_E2E_PASSWORD ?? '';

interface Items {
  numberMatched: number;
  features: { id: number; properties: { visibility: string } }[];
}

/** The number in the list's "N match" line, once it reads `want` (or any number). */
async function listCount(page: Page, want?: (n: number) => boolean): Promise<number> {
  const el = page.getByTestId('list-count');
  let n = -1;
  await expect
    .poll(
      async () => {
        const text = (await el.textContent()) ?? '';
        if (!/^[\d,]+ match$/.test(text)) return false;
        n = Number(text.replace(/[^\d]/g, ''));
        return want ? want(n) : true;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return n;
}

describe.skipIf(!email || !password)('accounts', () => {
  const open = browserSuite();

  it('signs in, sees a members-only activity and its badge, signs out, and it is gone', async () => {
    const { page, trouble } = await open();
    await page.goto(`${baseUrl}/`);
    expect(await settledMapState(page)).toBe('idle');
    const anonymous = await listCount(page);

    await page.getByRole('button', { name: 'Sign in' }).click();
    const dialog = page.getByTestId('sign-in');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByLabel('Password').fill(password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: /E2E Admin/ }).waitFor({ timeout: 30_000 });
    // The list is loaded again, and the secretariat sees more.
    const signedIn = await listCount(page, (n) => n > anonymous);
    expect(signedIn).toBeGreaterThan(anonymous);

    // A members-only activity (the session's cookie goes with page.request).
    const res = await page.request.get(`${baseUrl}/collections/activities/items?limit=1000`, { headers: { Accept: 'application/geo+json' } });
    expect(res.status()).toBe(200);
    const items = (await res.json()) as Items;
    const hidden = items.features.find((f) => f.properties.visibility === 'members');
    expect(hidden, 'a members-only activity').toBeDefined();
    const id = hidden!.id;

    await page.goto(`${baseUrl}/?selected=activity/${id}`);
    const detail = page.getByTestId('activity-detail');
    await detail.waitFor({ timeout: 30_000 });
    expect(await detail.getByTestId('visibility-badge').textContent()).toBe('Members only');
    await page.screenshot({ path: resolve(artifacts, 'members-only.png') });

    // Sign out: the header says "Sign in", the activity is gone, the list is as before.
    await page.getByRole('button', { name: /E2E Admin/ }).click();
    await page.getByTestId('account-menu').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(() => page.getByTestId('activity-detail').count(), { timeout: 30_000 }).toBe(0);
    expect((await page.request.get(`${baseUrl}/collections/activities/items/${id}`)).status()).toBe(404);
    await page.goto(`${baseUrl}/`);
    expect(await listCount(page, (n) => n === anonymous)).toBe(anonymous);
    expect(await page.getByTestId('visibility-badge').count()).toBe(0);

    // The only failures are the gone activity's own requests, after sign-out.
    const gone = (s: string) => s.includes(`/items/${id}`) || s.includes(`/activities/${id}/`) || /status of 404/.test(s);
    expect([...trouble.pageErrors, ...trouble.consoleErrors.filter((s) => !gone(s)), ...trouble.failedRequests.filter((s) => !gone(s)), ...trouble.outsideRequests]).toEqual([]);
  });
});
