/** Test support (not built into dist): a JWT of the simulator's, got as any caller gets one. */

/** `POST /api/v1/authenticate` with the simulator's application token → its `auth_token`. */
export async function simulatorJwt(sim: { url: string; applicationToken: string }): Promise<string> {
  const res = await fetch(`${sim.url}/api/v1/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ application_token: sim.applicationToken }),
  });
  return ((await res.json()) as { auth_token: string }).auth_token;
}
