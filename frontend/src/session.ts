/**
 * Who is signed in, for the whole app: GET /auth/me once on load, then
 * whatever sign-in, sign-out and password changes say. `generation` counts
 * the changes of viewer: every data request (useAsync) and the map's tiles
 * follow it, since a signed-in viewer sees more than an anonymous one.
 */
import { useEffect, useState } from 'preact/hooks';

import { me, onSessionLost, type Me, type User } from './api.ts';

export interface Session {
  /** null until /auth/me has answered */
  me: Me | null;
  /** bumped each time the viewer changes after the first load */
  generation: number;
}

type Listener = (s: Session) => void;

let session: Session = { me: null, generation: 0 };
const listeners = new Set<Listener>();
let loading: Promise<void> | null = null;

export function getSession(): Session {
  return session;
}

function set(next: Session): void {
  session = next;
  for (const l of listeners) l(session);
}

/** Asks /auth/me, once (later calls share the first); a failure reads as signed out. */
export function loadSession(): Promise<void> {
  loading ??= me().then(
    (m) => set({ ...session, me: m }),
    () => set({ ...session, me: { signed_in: false } }),
  );
  return loading;
}

/** The viewer is now `user` (signed in by session): everything shown is loaded again. */
export function signedIn(user: User): void {
  set({ me: { signed_in: true, user, via: 'session', scope: '' }, generation: session.generation + 1 });
}

/** The viewer is now anonymous: everything shown is loaded again. */
export function signedOut(): void {
  set({ me: { signed_in: false }, generation: session.generation + 1 });
}

// A session that ended elsewhere (expired, revoked, password changed on another device): signed out here too.
onSessionLost(() => {
  if (session.me?.signed_in) signedOut();
});

/** The signed-in user, or null. */
export function currentUser(s: Session = session): User | null {
  return s.me?.signed_in ? s.me.user : null;
}

export function subscribeSession(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The session; the component renders again when it changes. */
export function useSession(): Session {
  const [s, setS] = useState(session);
  useEffect(() => {
    setS(session);
    return subscribeSession(setS);
  }, []);
  return s;
}

/** The viewer's generation alone, so that data hooks load again only when the viewer changes. */
export function useGeneration(): number {
  const [g, setG] = useState(session.generation);
  useEffect(() => {
    setG(session.generation);
    return subscribeSession((s) => setG(s.generation));
  }, []);
  return g;
}
