/** Where the progress bar draws: a terminal stream. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Scans smaller than this finish before a bar would be readable. */
const MIN_FILES_FOR_BAR = 200;

/**
 * A one-line progress bar for long scans, redrawn in place on a TTY (nothing at all otherwise). Returns the
 * `onProgress` callback for the checker and a `clear` that erases the bar before the report prints.
 */
export function progressBar(stream: ProgressStream): {
  update: (done: number, total: number) => void;
  clear: () => void;
} {
  let drawn = false;
  return {
    update(done, total) {
      if (stream.isTTY !== true || total < MIN_FILES_FOR_BAR) return;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 30));
      const filled = Math.round((width * done) / total);
      stream.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} files`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
}
