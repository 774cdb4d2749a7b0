/** JWTs and authentication outcomes (§1), without HTTP. */
import { Authenticator, LOCKED_OUT_BODY } from './auth';
import { JwtIssuer } from './jwt';
import { ApiFailure } from './apiErrors';

const decode = (segment: string) =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('JwtIssuer', () => {
  const claims = {
    aud: '/api/v1/authentication',
    'esc.app': 1,
    'esc.org': 13886,
    'esc.orgName': 'Acme',
    api_key: true,
    iss: 'x',
    iat: 1000,
    exp: 2000,
  };

  it('signs a decodable 3-segment HS384 JWT and verifies it until exp', () => {
    const jwt = new JwtIssuer(Buffer.from('secret'));
    const token = jwt.sign(claims);
    const [head, body, sig] = token.split('.');
    expect(decode(head)).toEqual({ alg: 'HS384' });
    expect(decode(body)).toEqual(claims);
    expect(Buffer.from(sig, 'base64url')).toHaveLength(48);
    expect(jwt.verify(token, 1_999_999)).toEqual(claims);
    expect(jwt.verify(token, 2_000_000)).toBe('expired');
  });

  it('tells malformed, forged and foreign tokens apart', () => {
    const jwt = new JwtIssuer();
    const token = jwt.sign(claims);
    expect(jwt.verify('None', 0)).toBe('malformed');
    expect(jwt.verify('a.b', 0)).toBe('malformed');
    expect(jwt.verify(token + '.x', 0)).toBe('malformed');
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: 9e9 })).toString('base64url')}.${s}`;
    expect(jwt.verify(tampered, 0)).toBe('invalid');
    expect(new JwtIssuer().verify(token, 0)).toBe('invalid');
  });
});

describe('Authenticator', () => {
  let now = Date.UTC(2026, 0, 1);
  const make = () =>
    new Authenticator({
      applicationToken: 'good',
      tokenLifetimeSeconds: 14_400,
      now: () => now,
      organisation: { id: 13886, name: 'Acme Fleet GmbH' },
    });
  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err as ApiFailure;
    }
    throw new Error('expected a failure');
  };

  it('issues an emnify-shaped JWT for the application token', () => {
    const out = make().authenticate('{"application_token":"good"}', '1.1.1.1');
    expect(out.status).toBe(200);
    const payload = decode((out.body as { auth_token: string }).auth_token.split('.')[1]);
    expect(payload).toEqual({
      aud: '/api/v1/authentication',
      'esc.app': 9211,
      'esc.org': 13886,
      'esc.orgName': 'Acme Fleet GmbH',
      api_key: true,
      iss: 'spc-frontend001@spc-frontend',
      iat: now / 1000,
      exp: now / 1000 + 14_400,
    });
  });

  it('answers 400 BadRequest to a body that is not JSON or holds no credentials', () => {
    const a = make();
    for (const body of ['{not json', '[]', '"token"', '{}', '{"token":"good"}', '{"application_token":42}']) {
      const err = failure(() => a.authenticate(body, '1.1.1.1'));
      expect(err).toBeInstanceOf(ApiFailure);
      expect(err.status).toBe(400);
      expect(err.body).toMatchObject({ error_code: 1000, error_token: 'BadRequest' });
    }
    // 400s do not count towards the lockout
    expect(a.authenticate('{"application_token":"good"}', '1.1.1.1').status).toBe(200);
  });

  it('answers 401 with no body to wrong or unsupported credentials, and locks the IP for 5 minutes after 3', () => {
    const a = make();
    expect(a.authenticate('{"application_token":"bad"}', '1.1.1.1')).toEqual({ status: 401, body: undefined });
    expect(
      a.authenticate(
        '{"username":"jane.ops@acme.example","password":"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"}',
        '1.1.1.1'
      )
    ).toEqual({ status: 401, body: undefined });
    expect(a.authenticate('{"refresh_token":"x.y.z"}', '1.1.1.1')).toEqual({ status: 401, body: undefined });
    expect(a.authenticate('{"application_token":"good"}', '1.1.1.1')).toEqual({ status: 401, body: LOCKED_OUT_BODY });
    expect(LOCKED_OUT_BODY).toMatchObject({ error_code: 1105, error_token: 'TooManyRequests' });
    expect(a.authenticate('{"application_token":"good"}', '2.2.2.2').status).toBe(200);
    now += 5 * 60_000 - 1;
    expect(a.authenticate('{"application_token":"good"}', '1.1.1.1').status).toBe(401);
    now += 1;
    // lock over: a fresh count (one more failure does not lock again)
    expect(a.authenticate('{"application_token":"bad"}', '1.1.1.1').status).toBe(401);
    expect(a.authenticate('{"application_token":"good"}', '1.1.1.1').status).toBe(200);
  });

  it('counts consecutive failures only: a success resets the count', () => {
    const a = make();
    a.authenticate('{"application_token":"bad"}', '1.1.1.1');
    a.authenticate('{"application_token":"bad"}', '1.1.1.1');
    a.authenticate('{"application_token":"good"}', '1.1.1.1');
    a.authenticate('{"application_token":"bad"}', '1.1.1.1');
    a.authenticate('{"application_token":"bad"}', '1.1.1.1');
    expect(a.authenticate('{"application_token":"good"}', '1.1.1.1').status).toBe(200);
  });

  it('authorises Bearer JWTs with the gateway- and application-style 401s of §1.3', () => {
    const a = make();
    const token = (a.authenticate('{"application_token":"good"}', '1.1.1.1').body as { auth_token: string }).auth_token;
    expect(a.authorise(`Bearer ${token}`)).toBe(13886);
    expect(a.authorise(`bearer  ${token} `)).toBe(13886);
    const cases: Array<[string | undefined, number, Record<string, unknown>, Record<string, string>]> = [
      [
        undefined,
        401,
        { message: 'Unauthorized' },
        { 'x-amzn-ErrorType': 'UnauthorizedException', 'content-type': 'application/json' },
      ],
      [
        'Bearer None',
        401,
        { message: 'token contains an invalid number of segments' },
        { 'x-amzn-ErrorType': 'AccessDeniedException', 'content-type': 'application/json' },
      ],
      [
        `Bearer ${token.slice(0, -2)}xx`,
        401,
        { error_code: 1102, error_token: 'InvalidToken', message: 'Invalid token' },
        {},
      ],
    ];
    for (const [header, status, body, headers] of cases) {
      const err = failure(() => a.authorise(header));
      expect({ status: err.status, body: err.body, headers: err.headers }).toEqual({ status, body, headers });
    }
    now += 14_400_000;
    const expired = failure(() => a.authorise(`Bearer ${token}`));
    expect(expired.body).toEqual({ error_code: 1103, error_token: 'TokenExpired', message: 'Token expired' });
  });
});
