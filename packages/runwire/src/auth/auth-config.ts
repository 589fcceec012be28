/** How tokens are verified: an HS256 secret or a JSON Web Key Set, with the optional claims every token must carry. */
export type AuthConfig =
  | { readonly mode: 'secret'; readonly secret: string; readonly issuer?: string; readonly audience?: string }
  | { readonly mode: 'jwks'; readonly jwks: string; readonly issuer?: string; readonly audience?: string };
