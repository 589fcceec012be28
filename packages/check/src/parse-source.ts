import { type ParserOptions, parseSync, rawTransferSupported } from 'oxc-parser';

/** oxc-parser's options plus raw transfer, which its 0.160 typings leave out. */
interface RawTransferOptions extends ParserOptions {
  readonly experimentalRawTransfer?: boolean;
}

/** What oxc-parser's `parseSync` returns: the program, module record, comments and errors. */
export type ParseOutput = ReturnType<typeof parseSync>;

/**
 * True where oxc-parser can hand the AST over as one shared buffer that JavaScript reads directly (raw transfer:
 * Node 22 or later on a 64-bit little-endian machine), instead of as JSON text that is parsed again.
 */
export const RAW_TRANSFER_SUPPORTED: boolean = rawTransferSupported();

/**
 * Parses TypeScript or JavaScript with oxc-parser, through raw transfer where the runtime has it. Both ways build
 * the same AST; raw transfer skips serialising it to JSON and parsing that JSON back.
 *
 * @param rawTransfer - use raw transfer; @default {@link RAW_TRANSFER_SUPPORTED} (tests pass `false` to compare)
 */
export function parseSource(
  fileName: string,
  text: string,
  options: ParserOptions,
  rawTransfer: boolean = RAW_TRANSFER_SUPPORTED,
): ParseOutput {
  if (!rawTransfer) return parseSync(fileName, text, options);
  const raw: RawTransferOptions = { ...options, experimentalRawTransfer: true };
  return parseSync(fileName, text, raw);
}
