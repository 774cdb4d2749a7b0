/**
 * The hostile-input suite, web config: every exporter-toolkit key, each a row of a file, what
 * `promtool check web-config` (Prometheus' own validator, exporter-toolkit inside) says of it and what
 * the exporter says: accepted, or refused with one line naming the key. The exporter never accepts a file
 * promtool refuses; where it refuses one promtool accepts, the row says why (a key it cannot enforce).
 * Then the accepted keys over real TLS: certificates made by openssl in the test, clients with and
 * without certificates, versions, cipher suites, curves and headers, against a started exporter.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { RequestOptions, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionOptions, TLSSocket, connect, createServer } from 'node:tls';
import bcrypt from 'bcryptjs';
import { loadConfig } from '../src/config';
import { Exporter, createExporter } from '../src/exporter';
import { GO_TLS12_CIPHER_SUITES } from '../src/http/goTlsNames';
import { silentLogger } from '../src/logger';
import { loadWebConfig } from '../src/webConfig';
import { makeCertificates } from './certificates';

const havePromtool = spawnSync('sh', ['-c', 'command -v promtool']).status === 0;
if (!havePromtool && process.env.CI) {
  throw new Error("promtool is missing: .ci/run installs Debian's prometheus package");
}

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-webconfig-'));
  makeCertificates(dir);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TLS = 'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n';
const HASH = bcrypt.hashSync('web-config-test', 4);

interface KeyRow {
  name: string;
  yaml: string;
  promtool: 'SUCCESS' | 'FAILED';
  /** undefined: accepted; else the one line (after `web config <file>: `). */
  refused?: string;
}

const keyRows: KeyRow[] = [
  { name: 'an empty file', yaml: '', promtool: 'SUCCESS' },
  { name: 'basic auth users', yaml: `basic_auth_users:\n  prometheus: ${HASH}\n`, promtool: 'SUCCESS' },
  {
    name: 'users named constructor and __proto__',
    yaml: `basic_auth_users:\n  constructor: ${HASH}\n  __proto__: ${HASH}\n`,
    promtool: 'SUCCESS',
  },
  {
    name: 'a plain-text password',
    yaml: 'basic_auth_users:\n  prometheus: secret\n',
    promtool: 'FAILED',
    refused: 'the password of "prometheus" must be a bcrypt hash (e.g. from htpasswd -nBC 10)',
  },
  {
    name: 'a user name with a colon (can never log in)',
    yaml: `basic_auth_users:\n  "a:b": ${HASH}\n`,
    promtool: 'SUCCESS',
    refused: 'the user "a:b" cannot log in: basic auth ends the user name at its first ":"',
  },
  { name: 'an unknown key', yaml: 'foo: 1\n', promtool: 'FAILED', refused: 'unknown key "foo"' },
  {
    name: 'a key given twice',
    yaml: `basic_auth_users:\n  a: ${HASH}\nbasic_auth_users:\n  b: ${HASH}\n`,
    promtool: 'FAILED',
    refused: 'Map keys must be unique at line 3, column 1:',
  },
  {
    name: 'rate_limit (a newer exporter-toolkit key)',
    yaml: 'rate_limit:\n  interval: 1s\n  burst: 2\n',
    promtool: 'FAILED',
    refused: 'rate_limit is an exporter-toolkit setting this exporter does not implement: remove it',
  },
  { name: 'TLS with a certificate and key', yaml: TLS, promtool: 'SUCCESS' },
  {
    name: 'TLS without key_file',
    yaml: 'tls_server_config:\n  cert_file: server.pem\n',
    promtool: 'FAILED',
    refused: 'tls_server_config.key_file is missing (TLS needs cert_file and key_file)',
  },
  {
    name: 'a certificate with the key of another',
    yaml: 'tls_server_config:\n  cert_file: server.pem\n  key_file: client.key\n',
    promtool: 'FAILED',
    refused:
      'server.pem and client.key cannot be served: error:05800074:x509 certificate routines::key values mismatch',
  },
  {
    name: 'an inline certificate (cert, a newer exporter-toolkit key)',
    yaml: 'tls_server_config:\n  cert: x\n  key_file: server.key\n',
    promtool: 'FAILED',
    refused: 'tls_server_config.cert is an exporter-toolkit setting this exporter does not implement: remove it',
  },
  {
    name: 'client_allowed_sans (a newer exporter-toolkit key)',
    yaml: `${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [prometheus]\n`,
    promtool: 'FAILED',
    refused:
      'tls_server_config.client_allowed_sans is an exporter-toolkit setting this exporter does not implement: remove it',
  },
  {
    name: 'RequireAndVerifyClientCert with a client CA',
    yaml: `${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n`,
    promtool: 'SUCCESS',
  },
  {
    name: 'RequireClientCert (the old name of RequireAnyClientCert)',
    yaml: `${TLS}  client_auth_type: RequireClientCert\n`,
    promtool: 'SUCCESS',
  },
  {
    name: 'an unknown client_auth_type',
    yaml: `${TLS}  client_auth_type: RequireSomething\n`,
    promtool: 'FAILED',
    refused:
      'tls_server_config.client_auth_type: "RequireSomething" is not NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert',
  },
  {
    name: 'a client CA without a client_auth_type',
    yaml: `${TLS}  client_ca_file: ca.pem\n`,
    promtool: 'FAILED',
    refused:
      'tls_server_config.client_ca_file is set but client_auth_type is NoClientCert: set a client_auth_type, or remove it',
  },
  {
    name: 'a client CA file without a certificate (Go would verify against an empty pool)',
    yaml: `${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: no-certificate.pem\n`,
    promtool: 'SUCCESS',
    refused:
      'tls_server_config.client_ca_file no-certificate.pem holds no PEM certificate: no client certificate could be verified',
  },
  { name: 'min_version TLS13', yaml: `${TLS}  min_version: TLS13\n`, promtool: 'SUCCESS' },
  { name: 'max_version TLS12', yaml: `${TLS}  max_version: TLS12\n`, promtool: 'SUCCESS' },
  {
    name: 'min_version TLS10 (Node will not serve it)',
    yaml: `${TLS}  min_version: TLS10\n`,
    promtool: 'SUCCESS',
    refused:
      "tls_server_config.min_version: TLS10 cannot be served: Node's OpenSSL refuses TLS 1.0 and 1.1 at its default security level, which this exporter does not lower (use TLS12 or TLS13)",
  },
  {
    name: 'an unknown TLS version',
    yaml: `${TLS}  min_version: TLS14\n`,
    promtool: 'FAILED',
    refused: 'tls_server_config.min_version: "TLS14" is not a TLS version (TLS12 or TLS13)',
  },
  {
    name: 'min_version above max_version',
    yaml: `${TLS}  min_version: TLS13\n  max_version: TLS12\n`,
    promtool: 'SUCCESS',
    refused: 'tls_server_config.min_version is above max_version: no connection could be made',
  },
  {
    name: 'cipher suites',
    yaml: `${TLS}  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n`,
    promtool: 'SUCCESS',
  },
  {
    name: 'an insecure cipher suite (RC4)',
    yaml: `${TLS}  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n`,
    promtool: 'FAILED',
    refused:
      'tls_server_config.cipher_suites: "TLS_RSA_WITH_RC4_128_SHA" is not a cipher suite exporter-toolkit accepts (Go\'s secure suites, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)',
  },
  {
    name: 'a TLS 1.3 cipher suite (Go cannot choose them)',
    yaml: `${TLS}  cipher_suites: [TLS_AES_128_GCM_SHA256]\n`,
    promtool: 'SUCCESS',
    refused:
      'tls_server_config.cipher_suites: TLS_AES_128_GCM_SHA256 is a TLS 1.3 suite, which exporter-toolkit (Go) cannot choose either (TLS 1.3 keeps all its suites): remove it',
  },
  {
    name: 'cipher suites with min_version TLS13 (they would do nothing)',
    yaml: `${TLS}  min_version: TLS13\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n`,
    promtool: 'SUCCESS',
    refused:
      'tls_server_config.cipher_suites has no effect with min_version TLS13 (TLS 1.3 keeps all its suites): remove it',
  },
  { name: 'curve preferences', yaml: `${TLS}  curve_preferences: [X25519, CurveP521]\n`, promtool: 'SUCCESS' },
  {
    name: 'an unknown curve',
    yaml: `${TLS}  curve_preferences: [CurveP999]\n`,
    promtool: 'FAILED',
    refused: 'tls_server_config.curve_preferences: "CurveP999" is not CurveP256, CurveP384, CurveP521 or X25519',
  },
  {
    name: 'prefer_server_cipher_suites: false',
    yaml: `${TLS}  prefer_server_cipher_suites: false\n`,
    promtool: 'SUCCESS',
  },
  {
    name: 'min_version without a certificate (TLS off: it would do nothing)',
    yaml: 'tls_server_config:\n  min_version: TLS13\n',
    promtool: 'SUCCESS',
    refused: 'tls_server_config.min_version is set but TLS is off (no cert_file and key_file): set them, or remove it',
  },
  { name: 'http2: false', yaml: `${TLS}http_server_config:\n  http2: false\n`, promtool: 'SUCCESS' },
  {
    name: 'http2: true (HTTP/1.1 is all this exporter serves)',
    yaml: `${TLS}http_server_config:\n  http2: true\n`,
    promtool: 'SUCCESS',
    refused:
      'http_server_config.http2: true cannot be enforced: this exporter serves HTTP/1.1 only (set it to false, or remove it)',
  },
  {
    name: 'the allowed headers',
    yaml:
      'http_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n' +
      '    Strict-Transport-Security: max-age=31536000\n    Content-Security-Policy: "default-src \'none\'"\n    X-XSS-Protection: "1; mode=block"\n',
    promtool: 'SUCCESS',
  },
  {
    name: 'a header value exporter-toolkit does not allow',
    yaml: 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n',
    promtool: 'FAILED',
    refused: 'http_server_config.headers.X-Frame-Options: "allow" is not one of deny, sameorigin',
  },
  {
    name: 'a header exporter-toolkit does not allow',
    yaml: 'http_server_config:\n  headers:\n    X-Foo: bar\n',
    promtool: 'FAILED',
    refused:
      'http_server_config.headers: "X-Foo" cannot be configured (only Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy)',
  },
];

describe('web config keys: the exporter and promtool check web-config', () => {
  it.each(keyRows.map((r) => [r.name, r]))('%s', (_name, row) => {
    const path = file(`key-${keyRows.indexOf(row)}.yml`);
    writeFileSync(path, row.yaml);
    let ours: string | undefined;
    try {
      loadWebConfig(path);
    } catch (err) {
      ours = (err as Error).message;
    }
    expect(ours).toBe(row.refused === undefined ? undefined : `web config ${path}: ${row.refused}`);
    if (havePromtool) {
      const checked = spawnSync('promtool', ['check', 'web-config', path], { encoding: 'utf8' });
      expect(`${checked.stdout}${checked.stderr}`).toContain(`${path} ${row.promtool}`);
    }
  });

  it('never accepts what promtool refuses', () => {
    expect(keyRows.filter((r) => r.promtool === 'FAILED' && r.refused === undefined)).toEqual([]);
  });
});

describe('Go cipher suite names → OpenSSL', () => {
  it.each(Object.entries(GO_TLS12_CIPHER_SUITES))('%s is what OpenSSL negotiates as %s', async (goName, openssl) => {
    const ecdsa = goName.includes('_ECDSA_');
    const server = createServer({
      cert: readFileSync(file(ecdsa ? 'ec.pem' : 'server.pem')),
      key: readFileSync(file(ecdsa ? 'ec.key' : 'server.key')),
      ciphers: openssl,
      maxVersion: 'TLSv1.2',
    });
    server.on('secureConnection', (s: TLSSocket) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const negotiated = await new Promise<string>((resolve, reject) => {
        const socket = connect(
          {
            port: (server.address() as { port: number }).port,
            host: '127.0.0.1',
            rejectUnauthorized: false,
            ciphers: openssl,
          },
          () => {
            resolve(socket.getCipher().standardName);
            socket.destroy();
          }
        );
        socket.on('error', reject);
      });
      // OpenSSL's standard (IANA) name is the name Go uses.
      expect(negotiated).toBe(goName);
    } finally {
      server.close();
    }
  });
});

interface Client {
  cert?: 'client' | 'stranger';
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  ecdhCurve?: string;
  ALPNProtocols?: string[];
  authorization?: string;
  path?: string;
}

interface Seen {
  status: number;
  protocol: string | null;
  cipher: string;
  curve?: string;
  alpn: string | false | null;
  headers: Record<string, string | string[] | undefined>;
}

/** GET over HTTPS to 127.0.0.1:port, trusting the test CA: what came back, or `refused` (no HTTP answer). */
function get(port: number, client: Client): Promise<Seen | 'refused'> {
  return new Promise((resolve) => {
    const options: RequestOptions & ConnectionOptions = {
      host: '127.0.0.1',
      port,
      path: client.path ?? '/-/healthy',
      agent: false,
      ca: readFileSync(file('ca.pem')),
      cert: client.cert ? readFileSync(file(`${client.cert}.pem`)) : undefined,
      key: client.cert ? readFileSync(file(`${client.cert}.key`)) : undefined,
      minVersion: client.minVersion,
      maxVersion: client.maxVersion,
      ciphers: client.ciphers,
      ecdhCurve: client.ecdhCurve,
      ALPNProtocols: client.ALPNProtocols,
      headers: client.authorization ? { authorization: client.authorization } : {},
    };
    const req = request(options, (res) => {
      const socket = res.socket as TLSSocket;
      const seen: Seen = {
        status: res.statusCode ?? 0,
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().standardName,
        curve: (socket.getEphemeralKeyInfo() as { name?: string }).name,
        alpn: socket.alpnProtocol,
        headers: res.headers,
      };
      res.resume();
      res.on('end', () => resolve(seen));
    });
    req.on('error', () => resolve('refused'));
    req.end();
  });
}

describe('TLS as the web config says, against a started exporter', () => {
  const started: Exporter[] = [];
  afterAll(async () => {
    for (const e of started) {
      await e.stop();
    }
  });

  const start = async (yaml: string): Promise<number> => {
    const path = file(`tls-${started.length}.yml`);
    writeFileSync(path, yaml);
    const exporter = createExporter(
      loadConfig(
        [
          '--emnify.url',
          'http://127.0.0.1:1',
          '--state.file',
          file(`tls-state-${started.length}.json`),
          '--web.listen-address',
          '127.0.0.1:0',
          '--web.config.file',
          path,
          '--poll.interval',
          '1h',
        ],
        { EMNIFY_APPLICATION_TOKEN: 'unused', EXPORTER_DATASTREAMER_TOKEN: 'push-token' }
      ),
      { logger: silentLogger, client: { retry: { maxRetries: 0 } } }
    );
    started.push(exporter);
    return (await exporter.start()).port;
  };

  const mtls = (type: string, ca = true) =>
    `${TLS}  client_auth_type: ${type}\n${ca ? '  client_ca_file: ca.pem\n' : ''}`;

  it.each([
    ['RequireAndVerifyClientCert, no certificate', mtls('RequireAndVerifyClientCert'), {}, 'refused'],
    [
      'RequireAndVerifyClientCert, a certificate of the CA',
      mtls('RequireAndVerifyClientCert'),
      { cert: 'client' },
      200,
    ],
    [
      'RequireAndVerifyClientCert, a self-signed certificate',
      mtls('RequireAndVerifyClientCert'),
      { cert: 'stranger' },
      'refused',
    ],
    ['RequireAnyClientCert, no certificate', mtls('RequireAnyClientCert', false), {}, 'refused'],
    ['RequireAnyClientCert, a self-signed certificate', mtls('RequireAnyClientCert', false), { cert: 'stranger' }, 200],
    ['VerifyClientCertIfGiven, no certificate', mtls('VerifyClientCertIfGiven'), {}, 200],
    ['VerifyClientCertIfGiven, a certificate of the CA', mtls('VerifyClientCertIfGiven'), { cert: 'client' }, 200],
    [
      'VerifyClientCertIfGiven, a self-signed certificate',
      mtls('VerifyClientCertIfGiven'),
      { cert: 'stranger' },
      'refused',
    ],
    ['RequestClientCert, no certificate', mtls('RequestClientCert', false), {}, 200],
    ['RequestClientCert, a self-signed certificate', mtls('RequestClientCert', false), { cert: 'stranger' }, 200],
    ['NoClientCert, no certificate', TLS, {}, 200],
    [
      'min_version TLS13, a client at most TLS 1.2',
      `${TLS}  min_version: TLS13\n`,
      { maxVersion: 'TLSv1.2' },
      'refused',
    ],
    [
      'max_version TLS12, a client at least TLS 1.3',
      `${TLS}  max_version: TLS12\n`,
      { minVersion: 'TLSv1.3' },
      'refused',
    ],
    [
      'cipher_suites, a client offering none of them',
      `${TLS}  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n`,
      { ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' },
      'refused',
    ],
    [
      'curve_preferences, a client offering another curve',
      `${TLS}  curve_preferences: [CurveP384]\n`,
      { ecdhCurve: 'X25519' },
      'refused',
    ],
  ] as Array<[string, string, Client, number | 'refused']>)('%s', async (_name, yaml, client, expected) => {
    const port = await start(yaml);
    const seen = await get(port, client);
    expect(seen === 'refused' ? seen : seen.status).toBe(expected);
  });

  it('serves what it negotiated: versions, the chosen suite, the curve, HTTP/1.1 only', async () => {
    const tls12 = await start(`${TLS}  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n`);
    expect(await get(tls12, {})).toMatchObject({
      status: 200,
      protocol: 'TLSv1.2',
      cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    });
    const tls13 = await start(`${TLS}  min_version: TLS13\n  curve_preferences: [CurveP384]\n`);
    expect(await get(tls13, { ecdhCurve: 'X25519:P-384' })).toMatchObject({
      status: 200,
      protocol: 'TLSv1.3',
      curve: 'secp384r1',
    });
    const h1 = await start(`${TLS}http_server_config:\n  http2: false\n`);
    expect(await get(h1, { ALPNProtocols: ['h2', 'http/1.1'] })).toMatchObject({ status: 200, alpn: 'http/1.1' });
  });

  it('prefer_server_cipher_suites: the server order wins when true, the client order when false', async () => {
    const order = 'cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]';
    const client = { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' };
    const server = await start(`${TLS}  max_version: TLS12\n  ${order}\n`);
    expect(await get(server, client)).toMatchObject({ cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' });
    const clients = await start(`${TLS}  max_version: TLS12\n  prefer_server_cipher_suites: false\n  ${order}\n`);
    expect(await get(clients, client)).toMatchObject({ cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
  });

  it('sets the configured headers on every answer (200, 401, 404), with basic auth and mTLS together', async () => {
    const port = await start(
      `${mtls('RequireAndVerifyClientCert')}basic_auth_users:\n  prometheus: ${bcrypt.hashSync('pw', 4)}\n` +
        'http_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n'
    );
    const basic = `Basic ${Buffer.from('prometheus:pw').toString('base64')}`;
    const headersOf = (seen: Seen | 'refused') =>
      seen === 'refused'
        ? seen
        : { status: seen.status, frame: seen.headers['x-frame-options'], type: seen.headers['x-content-type-options'] };
    expect(headersOf(await get(port, { cert: 'client', path: '/metrics', authorization: basic }))).toEqual({
      status: 200,
      frame: 'deny',
      type: 'nosniff',
    });
    expect(headersOf(await get(port, { cert: 'client', path: '/metrics' }))).toEqual({
      status: 401,
      frame: 'deny',
      type: 'nosniff',
    });
    expect(headersOf(await get(port, { cert: 'client', path: '/api/v1/event' }))).toEqual({
      status: 404,
      frame: 'deny',
      type: 'nosniff',
    });
    // The certificate is needed even with the right password.
    expect(await get(port, { path: '/metrics', authorization: basic })).toBe('refused');
  });
});
