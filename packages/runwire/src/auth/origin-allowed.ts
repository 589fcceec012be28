/**
 * Whether a browser `Origin` may use the server: any origin when the allowlist holds `*`, the listed ones when it
 * lists some, and the server's own origin (same host) when it is empty. A request without `Origin` is not a browser's
 * cross-origin request and passes; its token still has to verify.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  if (allowed.length > 0) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
