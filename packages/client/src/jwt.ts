/** Reading (never verifying) the `exp` of the API's JWT, to refresh it before it expires. */

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  // atob exists in browsers and Node ≥ 16.
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The `exp` claim in epoch milliseconds, or `undefined` when the token is not a decodable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const payload: unknown = JSON.parse(base64UrlDecode(parts[1]));
    if (payload && typeof payload === 'object' && typeof (payload as { exp?: unknown }).exp === 'number') {
      return (payload as { exp: number }).exp * 1000;
    }
  } catch {
    // Not a JWT payload: treat as unknown expiry.
  }
  return undefined;
}
