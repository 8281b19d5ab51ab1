/**
 * The header's account corner: "Sign in" for visitors; signed in, a menu
 * with my name and organisation, "My tokens", "Change password", "Users"
 * (the secretariat) or "People of <my organisation>" (members) and "Sign out". It also opens "Set your password" when
 * the page was opened from an invitation or reset link.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

import { logout } from '../../api.ts';
import { acceptLinkIn, describeUser, ssoErrorIn, ssoErrorMessage, withoutAcceptLink, withoutSsoError } from '../../account.ts';
import { currentUser, signedOut, useSession } from '../../session.ts';
import { AcceptDialog, ChangePasswordDialog, SignInDialog } from './SignIn.tsx';
import { TokensDialog } from './Tokens.tsx';
import { OrganisationPeopleDialog, UsersDialog } from './Users.tsx';

type Open = 'sign-in' | 'tokens' | 'password' | 'users' | 'people' | null;

/** The link of the page's address, read once and taken out of the address (it is a secret). */
function takeAcceptLink(): string | null {
  const link = acceptLinkIn(location);
  if (link) history.replaceState(history.state, '', withoutAcceptLink(location));
  return link;
}

/** The message of a failed single sign-on in the page's address, read once and taken out of it. */
function takeSsoError(): string | null {
  const code = ssoErrorIn(location);
  if (!code) return null;
  history.replaceState(history.state, '', withoutSsoError(location));
  return ssoErrorMessage(code);
}

export function AccountMenu() {
  const session = useSession();
  const user = currentUser(session);
  const [ssoError] = useState<string | null>(takeSsoError);
  const [open, setOpen] = useState<Open>(ssoError ? 'sign-in' : null);
  const [menu, setMenu] = useState(false);
  const [accept, setAccept] = useState<string | null>(takeAcceptLink);
  const [error, setError] = useState<string | null>(null);
  const close = () => setOpen(null);

  const signOut = async () => {
    setMenu(false);
    try {
      await logout();
      setError(null);
    } catch (err) {
      setError(`Could not sign out: ${(err as Error).message}`);
      return;
    }
    signedOut();
  };

  if (!session.me) return <span class="account" aria-hidden="true" />;
  return (
    <div class="account">
      {user ? (
        <Menu
          label={user.display_name}
          open={menu}
          setOpen={setMenu}
          describe={describeUser(user)}
          items={[
            { text: 'My tokens', run: () => setOpen('tokens'), hidden: session.me.signed_in && session.me.via !== 'session' },
            { text: 'Change password', run: () => setOpen('password'), hidden: session.me.signed_in && session.me.via !== 'session' },
            { text: 'Users', run: () => setOpen('users'), hidden: user.role !== 'secretariat' },
            { text: `People of ${user.organisation}`, run: () => setOpen('people'), hidden: user.role === 'secretariat' || !user.organisation },
            { text: 'Sign out', run: signOut },
          ]}
        />
      ) : (
        <button type="button" class="button sign-in" onClick={() => setOpen('sign-in')}>
          Sign in
        </button>
      )}
      {error && (
        <span class="account-error" role="alert">
          {error}
        </span>
      )}
      {open === 'sign-in' && <SignInDialog onClose={close} sso={session.me.single_sign_on} notice={ssoError} />}
      {open === 'tokens' && <TokensDialog onClose={close} />}
      {open === 'password' && <ChangePasswordDialog onClose={close} />}
      {open === 'users' && <UsersDialog onClose={close} />}
      {open === 'people' && user?.organisation && <OrganisationPeopleDialog organisation={user.organisation} onClose={close} />}
      {accept && <AcceptDialog link={accept} onClose={() => setAccept(null)} onDone={() => setAccept(null)} />}
    </div>
  );
}

interface Item {
  text: string;
  run(): void;
  hidden?: boolean;
}

/** A disclosure button and its list of actions: Escape or a click elsewhere closes it, arrows move along. */
function Menu({ label, describe, items, open, setOpen }: { label: string; describe: string; items: Item[]; open: boolean; setOpen(o: boolean): void }) {
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>('.account-menu button')?.focus();
    const away = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);
  const keys = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const all = [...(root.current?.querySelectorAll<HTMLButtonElement>('.account-menu button') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    const next = e.key === 'ArrowDown' ? (i + 1) % all.length : (i - 1 + all.length) % all.length;
    e.preventDefault();
    all[next]?.focus();
  };
  return (
    <div class="account-wrap" ref={root} onKeyDown={keys}>
      <button
        type="button"
        ref={button}
        class="button account-button"
        aria-expanded={open}
        aria-controls="account-menu"
        onClick={() => setOpen(!open)}
        title={describe}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id="account-menu" class="account-menu" data-testid="account-menu">
          <p class="who">{describe}</p>
          <ul>
            {items
              .filter((i) => !i.hidden)
              .map((i) => (
                <li key={i.text}>
                  <button
                    type="button"
                    class="menu-item"
                    onClick={() => {
                      setOpen(false);
                      i.run();
                    }}
                  >
                    {i.text}
                  </button>
                </li>
              ))}
          </ul>
        </div>
      )}
    </div>
  );
}
