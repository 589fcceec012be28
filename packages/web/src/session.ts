/** What survives a reload (session storage: per tab, gone when the tab closes). */
export interface Session {
  /** `dev`: the token came from `POST /dev/token` and is renewed there; `token`: pasted by the user. */
  mode: 'dev' | 'token';
  user: string;
  token: string;
  /** The thread that was open. */
  threadId?: string;
  /** The seq of the last run event the page handled: a reload resumes after it. */
  lastSeq?: number;
}

const KEY = 'runwire.session';
const MESSAGES_KEY = 'runwire.messages';
const MAX_MESSAGES = 300;

export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return undefined;
    const value = JSON.parse(raw) as Partial<Session>;
    if (
      (value.mode === 'dev' || value.mode === 'token') &&
      typeof value.token === 'string' &&
      typeof value.user === 'string'
    )
      return value as Session;
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

export function saveSession(session: Session | undefined): void {
  if (session === undefined) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(MESSAGES_KEY);
  } else sessionStorage.setItem(KEY, JSON.stringify(session));
}

/**
 * The text the user sent for each run, kept by this tab: the server's thread history (`get_thread`) is the source
 * when it has it; this fills in where it does not.
 */
export function rememberMessage(runId: string, content: string): void {
  const all = recalledMessages();
  all[runId] = content;
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_MESSAGES))) delete all[old];
  sessionStorage.setItem(MESSAGES_KEY, JSON.stringify(all));
}

export function recalledMessages(): Record<string, string> {
  try {
    return JSON.parse(sessionStorage.getItem(MESSAGES_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

/** The `exp` of a JWT in ms, or 0 when it cannot be read (the token is then treated as expired). */
export function tokenExpiry(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}
