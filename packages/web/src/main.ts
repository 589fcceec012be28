import './style.css';
import {
  ConnectionError,
  RequestError,
  type RunEvent,
  type RunSnapshotFrame,
  RunwireClient,
  type ThreadMessage,
} from '@runwire/client';
import { RunView } from './run-view.js';
import { loadSession, recalledMessages, rememberMessage, type Session, saveSession, tokenExpiry } from './session.js';

/** Looks up an element the page's HTML is known to have. */
function $<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

const ui = {
  signin: $<HTMLElement>('signin'),
  devForm: $<HTMLFormElement>('dev-form'),
  user: $<HTMLInputElement>('user'),
  tokenForm: $<HTMLFormElement>('token-form'),
  token: $<HTMLInputElement>('token'),
  signinError: $<HTMLElement>('signin-error'),
  app: $<HTMLElement>('app'),
  who: $<HTMLElement>('who'),
  signout: $<HTMLButtonElement>('signout'),
  banner: $<HTMLElement>('banner'),
  newThread: $<HTMLButtonElement>('new-thread'),
  threads: $<HTMLUListElement>('threads'),
  notice: $<HTMLElement>('notice'),
  conversation: $<HTMLOListElement>('conversation'),
  composer: $<HTMLFormElement>('composer'),
  message: $<HTMLTextAreaElement>('message'),
  agent: $<HTMLInputElement>('agent'),
  stop: $<HTMLButtonElement>('stop'),
  send: $<HTMLButtonElement>('send'),
};

interface ThreadItem {
  threadId: string;
  title: string;
  updatedAt: string;
}

/** The page's state: one signed-in session, one client, one open thread. */
let session: Session | undefined;
let client: RunwireClient | undefined;
let openThreadId: string | undefined;
const views = new Map<string, RunView>();
let threads: ThreadItem[] = [];
let refreshingThreads = false;

function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

async function devToken(user: string): Promise<string> {
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: { message?: string } };
  if (response.status === 404) throw new Error('This server is not in dev mode: sign in with a token');
  if (!response.ok || body.token === undefined)
    throw new Error(body.error?.message ?? `Sign-in failed (${response.status})`);
  return body.token;
}

/** The token for the next connection: a dev token is renewed a minute before it expires. */
async function currentToken(): Promise<string> {
  const s = session;
  if (s === undefined) throw new Error('signed out');
  if (s.mode === 'dev' && tokenExpiry(s.token) < Date.now() + 60_000) {
    s.token = await devToken(s.user);
    saveSession(s);
  } else if (s.mode === 'token' && tokenExpiry(s.token) < Date.now()) {
    // A pasted token cannot be renewed here: ask for a new one instead of retrying with a dead one forever.
    queueMicrotask(() => {
      signOut();
      ui.signinError.textContent = 'Your token has expired: paste a new one';
    });
    throw new Error('token expired');
  }
  return s.token;
}

function showNotice(text: string | undefined): void {
  ui.notice.hidden = text === undefined;
  ui.notice.textContent = text ?? '';
}

function describe(error: unknown): string {
  if (error instanceof RequestError) return `${error.code}: ${error.message}`;
  if (error instanceof ConnectionError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function updateStop(): void {
  ui.stop.disabled = ![...views.values()].some((v) => v.live);
}

function persistSeq(seq: number | undefined): void {
  if (session === undefined || seq === undefined) return;
  session.lastSeq = seq;
  saveSession(session);
}

function viewFor(runId: string): RunView {
  let view = views.get(runId);
  if (view === undefined) {
    view = new RunView(runId, recalledMessages()[runId]);
    views.set(runId, view);
    ui.conversation.append(view.element);
  }
  return view;
}

function onEvent(event: RunEvent): void {
  persistSeq(event.seq);
  if (event.threadId === openThreadId) {
    viewFor(event.runId).apply(event);
    updateStop();
    scrollToEnd();
  }
  // A thread this page has not listed yet (started here or in another tab): reload the list, once at a time.
  if (!threads.some((t) => t.threadId === event.threadId) && !refreshingThreads) {
    refreshingThreads = true;
    void refreshThreads().finally(() => {
      refreshingThreads = false;
    });
  }
}

function scrollToEnd(): void {
  ui.conversation.lastElementChild?.scrollIntoView({ block: 'end' });
}

function renderThreads(): void {
  ui.threads.replaceChildren(
    ...threads.map((thread) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = thread.title;
      button.dataset.threadId = thread.threadId;
      if (thread.threadId === openThreadId) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', () => void openThread(thread.threadId));
      item.append(button);
      return item;
    }),
  );
}

/** The user's threads: from `list_threads` when the server has it, else gathered from the user's runs. */
async function refreshThreads(): Promise<void> {
  const c = client;
  if (c === undefined) return;
  try {
    const page = await c.listThreads({ limit: 50 });
    threads = page.threads.map((t) => ({ threadId: t.threadId, title: t.title, updatedAt: t.updatedAt }));
  } catch (error) {
    if (!(error instanceof RequestError && error.code === 'unknown_type')) {
      showNotice(describe(error));
      return;
    }
    const { runs } = await c.listRuns({ limit: 100 });
    const memo = recalledMessages();
    const byThread = new Map<string, ThreadItem>();
    // Runs come newest first: the last one seen per thread is its first run, whose message names the thread.
    for (const run of runs) {
      const item = byThread.get(run.threadId) ?? { threadId: run.threadId, title: '', updatedAt: run.createdAt };
      item.title = memo[run.runId]?.slice(0, 60) ?? item.title;
      byThread.set(run.threadId, item);
    }
    threads = [...byThread.values()].map((t) => ({ ...t, title: t.title || `Thread ${t.threadId.slice(-6)}` }));
  }
  if (openThreadId !== undefined && !threads.some((t) => t.threadId === openThreadId)) {
    threads.unshift({ threadId: openThreadId, title: 'New thread', updatedAt: new Date().toISOString() });
  }
  renderThreads();
}

/** Fetches a run's retained events over HTTP (the history the socket will not replay). */
async function runEvents(runId: string): Promise<RunEvent[]> {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/events`, {
    headers: { authorization: `Bearer ${await currentToken()}` },
  });
  if (!response.ok) return [];
  return ((await response.json()) as { events: RunEvent[] }).events;
}

/** The thread's messages from the server (`get_thread`, every page), or none when the server cannot say. */
async function threadMessages(c: RunwireClient, threadId: string): Promise<ThreadMessage[]> {
  const all: ThreadMessage[] = [];
  let after: string | undefined;
  try {
    for (let page = 0; page < 20; page++) {
      const { messages, next } = await c.getThread(threadId, after === undefined ? {} : { after });
      all.push(...messages);
      if (next === undefined) break;
      after = next;
    }
  } catch {
    // No get_thread on this server (or the thread is gone): the runs' own events still show the history.
  }
  return all;
}

/** Opens a thread: its runs (oldest first) with their messages and timelines; live events join as they come. */
async function openThread(threadId: string | undefined): Promise<void> {
  openThreadId = threadId;
  if (session !== undefined) {
    if (threadId === undefined) delete session.threadId;
    else session.threadId = threadId;
    saveSession(session);
  }
  views.clear();
  ui.conversation.replaceChildren();
  renderThreads();
  updateStop();
  showNotice(undefined);
  const c = client;
  if (threadId === undefined || c === undefined) return;
  try {
    const [{ runs }, messages] = await Promise.all([c.listRuns({ threadId, limit: 100 }), threadMessages(c, threadId)]);
    if (openThreadId !== threadId) return;
    const texts = recalledMessages();
    for (const m of messages) if (m.role === 'user') texts[m.runId] = m.content;
    const ordered: RunSnapshotFrame[] = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    // Create the turns in order first, so live events that arrive meanwhile land in the right place.
    for (const run of ordered) {
      const existing = views.get(run.runId);
      const view = existing ?? new RunView(run.runId, texts[run.runId]);
      if (existing === undefined) views.set(run.runId, view);
      else view.setUserText(texts[run.runId]);
      ui.conversation.append(view.element);
      view.applySnapshot(run);
    }
    await Promise.all(
      ordered.map(async (run) => {
        const events = await runEvents(run.runId);
        if (openThreadId !== threadId) return;
        const view = views.get(run.runId);
        for (const event of events) view?.apply(event);
      }),
    );
    updateStop();
    scrollToEnd();
  } catch (error) {
    showNotice(describe(error));
  }
}

async function send(): Promise<void> {
  const c = client;
  const content = ui.message.value.trim();
  if (c === undefined || content === '') return;
  ui.send.disabled = true;
  try {
    const agent = ui.agent.value.trim();
    const run = await c.sendMessage(content, {
      ...(openThreadId === undefined ? {} : { threadId: openThreadId }),
      ...(agent === '' ? {} : { agent }),
    });
    rememberMessage(run.runId, content);
    ui.message.value = '';
    showNotice(undefined);
    if (openThreadId !== run.threadId) {
      openThreadId = run.threadId;
      if (session !== undefined) session.threadId = run.threadId;
      saveSession(session);
      await refreshThreads();
    }
    viewFor(run.runId).setUserText(content);
    updateStop();
    scrollToEnd();
  } catch (error) {
    showNotice(describe(error));
  } finally {
    ui.send.disabled = false;
    ui.message.focus();
  }
}

async function stop(): Promise<void> {
  const c = client;
  if (c === undefined) return;
  const live = [...views.values()].filter((v) => v.live);
  await Promise.all(live.map((v) => c.stopRun(v.runId).catch((error: unknown) => showNotice(describe(error)))));
}

function signOut(): void {
  client?.close();
  client = undefined;
  session = undefined;
  saveSession(undefined);
  openThreadId = undefined;
  views.clear();
  threads = [];
  ui.conversation.replaceChildren();
  ui.threads.replaceChildren();
  ui.token.value = '';
  ui.app.hidden = true;
  ui.signin.hidden = false;
  ui.user.focus();
}

async function start(s: Session): Promise<void> {
  session = s;
  ui.signin.hidden = true;
  ui.app.hidden = false;
  ui.who.textContent = s.user;
  const c = new RunwireClient({
    url: wsUrl(),
    token: currentToken,
    ...(s.lastSeq === undefined ? {} : { resumeAfter: s.lastSeq }),
  });
  client = c;
  c.on('status', (status) => {
    ui.banner.hidden = status !== 'reconnecting';
    ui.app.dataset.connection = status;
  });
  c.on('event', onEvent);
  c.on('resync', () => {
    persistSeq(c.lastSeq);
    void refreshThreads();
    void openThread(openThreadId);
  });
  c.on('error', (error) => showNotice(describe(error)));
  try {
    await c.connect();
    persistSeq(c.lastSeq);
    await refreshThreads();
    await openThread(s.threadId);
  } catch (error) {
    showNotice(describe(error));
  }
  ui.message.focus();
}

ui.devForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const user = ui.user.value.trim();
  ui.signinError.textContent = '';
  devToken(user).then(
    (token) => {
      const s: Session = { mode: 'dev', user, token };
      saveSession(s);
      void start(s);
    },
    (error: unknown) => {
      ui.signinError.textContent = describe(error);
    },
  );
});

ui.tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const token = ui.token.value.trim();
  let user = 'token user';
  try {
    const sub = (
      JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string }
    ).sub;
    if (typeof sub === 'string') user = sub;
  } catch {
    ui.signinError.textContent = 'That does not look like a JWT';
    return;
  }
  const s: Session = { mode: 'token', user, token };
  saveSession(s);
  void start(s);
});

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  void send();
});
ui.message.addEventListener('keydown', (e) => {
  // Enter sends; Shift+Enter (and Enter while an input method composes) is a new line.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    void send();
  }
});
ui.stop.addEventListener('click', () => void stop());
ui.newThread.addEventListener('click', () => {
  void openThread(undefined);
  ui.message.focus();
});
ui.signout.addEventListener('click', signOut);

const saved = loadSession();
if (saved === undefined) {
  ui.signin.hidden = false;
  ui.user.focus();
} else void start(saved);
