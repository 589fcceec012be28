import { type FSWatcher, watch } from 'chokidar';

/** How long to wait after the last change event before re-checking, so a save of several files is one re-check. */
const SETTLE_MS = 60;

/**
 * Watches the checked paths and calls `onChange` with the files that changed, once events settle. Runs at most one
 * `onChange` at a time; changes during a run are collected for the next. Returns an idempotent `close`.
 */
export function watchTree(
  paths: readonly string[],
  onChange: (changedFiles: string[]) => Promise<void>,
): { ready: Promise<void>; close: () => Promise<void> } {
  const watcher: FSWatcher = watch([...paths], {
    ignoreInitial: true,
    ignored: (path) => /(?:^|[/\\])(?:node_modules|\.git|dist)(?:[/\\]|$)/.test(path),
  });
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  const flush = async (): Promise<void> => {
    timer = undefined;
    if (running !== undefined || closed) return;
    const files = [...changed];
    changed.clear();
    running = onChange(files).finally(() => {
      running = undefined;
      if (changed.size > 0 && !closed) schedule();
    });
    await running;
  };
  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void flush(), SETTLE_MS);
  };
  watcher.on('all', (_event, path) => {
    changed.add(path);
    schedule();
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
