/** The few styles the text report uses. */
export interface Colors {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const style =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const plain = (text: string): string => text;

/** ANSI styles when `enabled`, identity functions otherwise (not a TTY, `NO_COLOR`, `--no-color`). */
export function ansiColors(enabled: boolean): Colors {
  if (!enabled) return { red: plain, yellow: plain, green: plain, cyan: plain, dim: plain, bold: plain };
  return {
    red: style(31, 39),
    yellow: style(33, 39),
    green: style(32, 39),
    cyan: style(36, 39),
    dim: style(2, 22),
    bold: style(1, 22),
  };
}
