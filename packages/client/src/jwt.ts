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

/**
 * How long the token is valid (`exp - iat`, ms), or `undefined`. Measured from our own receipt of the
 * token, this is immune to clock skew between us and the API (a client clock ahead of the server's
 * would otherwise see every fresh token as expired and re-authenticate on every call).
 */
export function jwtLifetime(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as { exp?: unknown; iat?: unknown };
    if (typeof payload.exp === 'number' && typeof payload.iat === 'number' && payload.exp > payload.iat) {
      return (payload.exp - payload.iat) * 1000;
    }
  } catch {
    // Not a JWT payload.
  }
  return undefined;
}
