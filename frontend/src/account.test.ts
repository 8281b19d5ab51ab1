import { describe, expect, it } from 'vitest';

import {
  acceptLinkIn,
  describeUser,
  emailProblem,
  expiryFromDays,
  formatExpiry,
  mailNote,
  ssoErrorIn,
  ssoErrorMessage,
  withoutSsoError,
  problemsOf,
  throttledMessage,
  tokenState,
  validateInvite,
  validateNewPassword,
  validateSignIn,
  validateTokenName,
  visibilityBadge,
  withoutAcceptLink,
} from './account.ts';
import { ApiError } from './api.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('visibility badges', () => {
  it('marks members-only and draft activities, and nothing else', () => {
    expect(visibilityBadge('members')?.text).toBe('Members only');
    expect(visibilityBadge('draft')?.text).toBe('Draft');
    expect(visibilityBadge('public')).toBeNull();
    expect(visibilityBadge(undefined)).toBeNull();
    expect(visibilityBadge('')).toBeNull();
  });
});

describe('token dates', () => {
  it('says when a token expires', () => {
    expect(formatExpiry(null, NOW)).toBe('never');
    expect(formatExpiry('2026-12-01T00:00:00Z', NOW)).toBe('expired 1 Dec 2026');
    expect(formatExpiry('2026-12-03T20:00:00Z', NOW)).toBe('today');
    expect(formatExpiry('2026-12-04T13:00:00Z', NOW)).toBe('tomorrow');
    expect(formatExpiry('2026-12-15T12:00:00Z', NOW)).toBe('in 12 days (15 Dec 2026)');
  });

  it('tells revoked, expired and active tokens apart', () => {
    expect(tokenState({ expires_at: null, revoked_at: '2026-12-01T00:00:00Z' }, NOW)).toBe('revoked');
    expect(tokenState({ expires_at: '2026-12-03T11:59:59Z', revoked_at: null }, NOW)).toBe('expired');
    expect(tokenState({ expires_at: '2026-12-03T12:00:01Z', revoked_at: null }, NOW)).toBe('active');
    expect(tokenState({ expires_at: null, revoked_at: null }, NOW)).toBe('active');
  });

  it('turns a lifetime into an expiry', () => {
    expect(expiryFromDays(0, NOW)).toBeUndefined();
    expect(expiryFromDays(30, NOW)).toBe('2027-01-02T12:00:00.000Z');
  });
});

describe('form checks', () => {
  it('checks the sign-in form', () => {
    expect(validateSignIn('', '')).toEqual({ email: 'Enter your email address.', password: 'Enter your password.' });
    expect(Object.keys(validateSignIn('ana', 'x'))).toEqual(['email']);
    expect(validateSignIn(' ana@example.org ', 'x')).toEqual({});
  });

  it('checks email addresses as the server does', () => {
    for (const bad of ['@example.org', 'ana@', 'a@b@c', 'an a@example.org', `${'a'.repeat(250)}@b.cd`]) {
      expect(emailProblem(bad), bad).toBeDefined();
    }
    expect(emailProblem('ana@example.org')).toBeUndefined();
    expect(emailProblem('Zoë@exämple.org')).toBeUndefined();
  });

  it('checks a new password: length in characters, bytes, typed twice', () => {
    expect(validateNewPassword('short', 'short').password).toBeDefined();
    expect(validateNewPassword('ééééééééééé', 'ééééééééééé').password).toBeDefined(); // 11 characters
    expect(validateNewPassword('éééééééééééé', 'éééééééééééé')).toEqual({}); // 12 characters, 24 bytes
    expect(validateNewPassword('€'.repeat(90), '€'.repeat(90)).password).toBe('Use at most 256 bytes.');
    expect(validateNewPassword('long enough password', 'long enough passw0rd')).toEqual({ repeat: 'The two passwords differ.' });
    expect(validateNewPassword('x', 'x', 'new_password')).toHaveProperty('new_password');
  });

  it('checks a token name', () => {
    expect(validateTokenName('  ')).toHaveProperty('name');
    expect(validateTokenName('x'.repeat(101))).toHaveProperty('name');
    expect(validateTokenName('nightly export')).toEqual({});
  });

  it('asks an organisation of members, not of the secretariat', () => {
    expect(validateInvite('ana@example.org', 'Ana', 'editor', undefined)).toEqual({ organisation_id: 'Choose their organisation.' });
    expect(validateInvite('ana@example.org', 'Ana', 'secretariat', undefined)).toEqual({});
    expect(Object.keys(validateInvite('', ' ', 'viewer', 3)).sort()).toEqual(['display_name', 'email']);
  });
});

describe('server problems by field', () => {
  it('puts a pointer or parameter on its field, the rest on the form', () => {
    const e = new ApiError(400, 'Bad Request', 'invalid body', [
      { pointer: '/email', detail: 'is not an email address' },
      { parameter: 'password', detail: 'must be at least 12 characters' },
      { pointer: '/colour', detail: 'unknown field' },
    ]);
    expect(problemsOf(e, ['email', 'password'])).toEqual({
      email: 'Is not an email address.',
      password: 'Must be at least 12 characters.',
      '': '/colour: unknown field',
    });
  });

  it('puts a problem naming no field on the form', () => {
    expect(problemsOf(new ApiError(401, 'Unauthorized', 'wrong email or password'), ['email'])).toEqual({ '': 'wrong email or password' });
  });

  it('says how long to wait when throttled', () => {
    const e = new ApiError(429, 'Too Many Requests', 'too many attempts', [], undefined, 600);
    expect(problemsOf(e, ['email'])).toEqual({ '': 'Too many attempts. Try again in 10 minutes.' });
    expect(throttledMessage(1)).toBe('Too many attempts. Try again in 1 second.');
    expect(throttledMessage(61)).toBe('Too many attempts. Try again in 2 minutes.');
    expect(throttledMessage(undefined)).toMatch(/Wait a while/);
  });
});

describe('the account link in the address', () => {
  const at = (pathname: string, search = '', hash = '') => ({ pathname, search, hash });

  it('finds it as ?accept=, /accept?link= or #/accept?link=', () => {
    expect(acceptLinkIn(at('/', '?accept=cgl_abc'))).toBe('cgl_abc');
    expect(acceptLinkIn(at('/accept', '?link=cgl_def'))).toBe('cgl_def');
    expect(acceptLinkIn(at('/', '', '#/accept?link=cgl_ghi'))).toBe('cgl_ghi');
    expect(acceptLinkIn(at('/', '?link=cgl_x'))).toBeNull();
    expect(acceptLinkIn(at('/', '?theme=gender'))).toBeNull();
  });

  it('takes it out of the address, leaving the view', () => {
    expect(withoutAcceptLink(at('/', '?theme=gender&accept=cgl_abc'))).toBe('/?theme=gender');
    expect(withoutAcceptLink(at('/accept', '?link=cgl_def'))).toBe('/');
    expect(withoutAcceptLink(at('/', '', '#/accept?link=cgl_ghi'))).toBe('/');
  });
});

describe('describing a user', () => {
  it('names the role and the organisation', () => {
    expect(describeUser({ display_name: 'Ana', role: 'editor', organisation: 'Oxfam' })).toBe('Ana, Editor at Oxfam');
    expect(describeUser({ display_name: 'Ben', role: 'secretariat' })).toBe('Ben, Secretariat');
  });
});

describe('mailNote', () => {
  it('says where a mailed link went, or why it was not mailed', () => {
    expect(mailNote({ sent: true, to: 'a@example.org' })).toEqual({ ok: true, text: 'Sent to a@example.org.' });
    const n = mailNote({ sent: false, to: 'a@example.org', error: 'connection refused' });
    expect(n.ok).toBe(false);
    expect(n.text).toContain('connection refused');
    expect(n.text).toContain('a@example.org');
  });
});

describe('single sign-on errors', () => {
  const at = (pathname: string, search = '', hash = '') => ({ pathname, search, hash });
  it('reads the code the server sends a failed sign-in to', () => {
    expect(ssoErrorIn(at('/', '', '#/signin?sso_error=unknown_account'))).toBe('unknown_account');
    expect(ssoErrorIn(at('/', '', '#signin?sso_error=bad_state'))).toBe('bad_state');
    expect(ssoErrorIn(at('/', '', '#/signin?other=1'))).toBeNull();
    expect(ssoErrorIn(at('/', '', '#/accept?link=cgl_x'))).toBeNull();
    expect(ssoErrorIn(at('/', '?sso_error=x'))).toBeNull();
  });
  it('takes the fragment out of the address and keeps the rest', () => {
    expect(withoutSsoError(at('/', '?theme=gender', '#/signin?sso_error=unknown_account'))).toBe('/?theme=gender');
    expect(withoutSsoError(at('/', '', '#map=2/0/0'))).toBe('/#map=2/0/0');
  });
  it('explains every code the server sends, and an unknown one too', () => {
    for (const code of ['unknown_account', 'account_disabled', 'access_denied', 'bad_state', 'flow_expired', 'invalid_token',
      'issuer_not_accepted', 'provider_error', 'provider_unavailable', 'server_error']) {
      expect(ssoErrorMessage(code)).not.toMatch(/did not work/);
    }
    expect(ssoErrorMessage('unknown_account')).toMatch(/invitation/);
    expect(ssoErrorMessage('<script>')).toMatch(/did not work/);
  });
});
