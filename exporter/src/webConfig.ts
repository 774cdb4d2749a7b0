/**
 * Prometheus exporter-toolkit web configuration (`web-config.yml`), so that `promtool check web-config`
 * validates the same file: TLS (`tls_server_config`), response headers and HTTP/2 (`http_server_config`)
 * and basic auth (`basic_auth_users`, bcrypt hashes). Every key is enforced as exporter-toolkit enforces
 * it (Go names mapped to Node's OpenSSL in http/goTlsNames.ts); a key or value this exporter cannot
 * enforce refuses to start with one line naming it, instead of being accepted and ignored. Everything,
 * the certificate files and Node's TLS context included, is loaded and checked here, before anything
 * is started or written.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { dirname, resolve } from 'node:path';
import { SecureVersion, createSecureContext } from 'node:tls';
import { parse } from 'yaml';
import { WebConfigError } from './errors';
import {
  ClientAuthType,
  GO_CLIENT_AUTH_TYPES,
  GO_CURVES,
  GO_TLS12_CIPHER_SUITES,
  GO_TLS13_CIPHER_SUITES,
  GO_TLS_VERSIONS,
  TOOLKIT_HEADERS,
} from './http/goTlsNames';

export interface TlsSettings {
  cert: Buffer;
  key: Buffer;
  /** `client_ca_file`: the CAs client certificates must chain to (Node's root store without it). */
  clientCa?: Buffer;
  clientAuth: ClientAuthType;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** `cipher_suites` as an OpenSSL list (TLS 1.2 and below; TLS 1.3 keeps its suites, as in Go). */
  ciphers?: string;
  /** `curve_preferences` as an OpenSSL group list. */
  ecdhCurve?: string;
  /** `prefer_server_cipher_suites` (default true). */
  honorCipherOrder: boolean;
}

export interface WebConfig {
  tls?: TlsSettings;
  /** User → bcrypt hash. A Map: user names are data, never property lookups. */
  basicAuthUsers: Map<string, string>;
  /** `http_server_config.headers`, set on every answer. */
  headers: Array<[string, string]>;
}

export const EMPTY_WEB_CONFIG: WebConfig = { basicAuthUsers: new Map(), headers: [] };

/** Keys of newer exporter-toolkit releases (inline certificates, SAN allow-lists, rate limits) this exporter does not implement. */
const NOT_IMPLEMENTED = new Set([
  'rate_limit',
  'tls_server_config.cert',
  'tls_server_config.key',
  'tls_server_config.client_ca',
  'tls_server_config.client_allowed_sans',
]);

const SECTIONS: Record<string, readonly string[]> = {
  '': ['tls_server_config', 'http_server_config', 'basic_auth_users'],
  tls_server_config: [
    'cert_file',
    'key_file',
    'client_auth_type',
    'client_ca_file',
    'cipher_suites',
    'curve_preferences',
    'min_version',
    'max_version',
    'prefer_server_cipher_suites',
  ],
  http_server_config: ['http2', 'headers'],
};

/** A bcrypt hash as exporter-toolkit takes it (bcrypt.Cost: version 2[a|b|y], cost 04-31). */
const BCRYPT_HASH = /^\$2[aby]?\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

const errorCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

type Yaml = unknown;

export function loadWebConfig(path: string, readFile: (p: string) => Buffer = (p) => readFileSync(p)): WebConfig {
  const fail = (message: string): never => {
    throw new WebConfigError(`web config ${path}: ${message}`);
  };
  let text: string;
  try {
    text = readFile(path).toString('utf8');
  } catch (err) {
    return fail(`cannot read it (${errorCode(err)})`);
  }
  let doc: Yaml;
  try {
    // Mappings as Maps: keys such as __proto__ stay data.
    doc = parse(text, { mapAsMap: true, uniqueKeys: true }) ?? new Map();
  } catch (err) {
    return fail((err as Error).message.split('\n')[0]);
  }
  const top = section(doc, '', fail) ?? new Map<string, Yaml>();
  const base = dirname(path);
  const read = (file: string) => {
    try {
      return readFile(resolve(base, file));
    } catch (err) {
      return fail(`cannot read ${file} (${errorCode(err)})`);
    }
  };
  return {
    tls: tlsSettings(section(top.get('tls_server_config'), 'tls_server_config', fail), read, fail),
    headers: httpHeaders(section(top.get('http_server_config'), 'http_server_config', fail), fail),
    basicAuthUsers: users(top.get('basic_auth_users'), fail),
  };
}

/** A mapping of known keys (null: absent); an unknown key, or one not implemented, fails naming it. */
function section(value: Yaml, name: string, fail: (m: string) => never): Map<string, Yaml> | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (!(value instanceof Map)) {
    return fail(name ? `${name} must be a mapping` : 'expected a mapping');
  }
  for (const key of value.keys()) {
    const full = name ? `${name}.${String(key)}` : String(key);
    if (NOT_IMPLEMENTED.has(full)) {
      fail(`${full} is an exporter-toolkit setting this exporter does not implement: remove it`);
    }
    if (typeof key !== 'string' || !SECTIONS[name].includes(key)) {
      fail(`unknown key "${full}"`);
    }
  }
  return value as Map<string, Yaml>;
}

function text(value: Yaml, key: string, fail: (m: string) => never): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return typeof value === 'string' ? value : fail(`${key} must be a text`);
}

function list(value: Yaml, key: string, fail: (m: string) => never): string[] {
  if (value === null || value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    return fail(`${key} must be a list of names`);
  }
  return value as string[];
}

function version(value: Yaml, key: string, fail: (m: string) => never): SecureVersion | undefined {
  const name = text(value, key, fail);
  if (name === undefined) {
    return undefined;
  }
  const v = GO_TLS_VERSIONS[name];
  if (!v) {
    return fail(`${key}: "${name}" is not a TLS version (TLS12 or TLS13)`);
  }
  if (v === 'TLSv1' || v === 'TLSv1.1') {
    return fail(
      `${key}: ${name} cannot be served: Node's OpenSSL refuses TLS 1.0 and 1.1 at its default security level, which this exporter does not lower (use TLS12 or TLS13)`
    );
  }
  return v;
}

const VERSION_ORDER: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function tlsSettings(
  tls: Map<string, Yaml> | undefined,
  read: (file: string) => Buffer,
  fail: (m: string) => never
): TlsSettings | undefined {
  if (!tls) {
    return undefined;
  }
  const key = (k: string) => `tls_server_config.${k}`;
  const certFile = text(tls.get('cert_file'), key('cert_file'), fail) ?? '';
  const keyFile = text(tls.get('key_file'), key('key_file'), fail) ?? '';
  const clientAuthName = text(tls.get('client_auth_type'), key('client_auth_type'), fail) ?? '';
  const clientCaFile = text(tls.get('client_ca_file'), key('client_ca_file'), fail) ?? '';
  const cipherNames = list(tls.get('cipher_suites'), key('cipher_suites'), fail);
  const curveNames = list(tls.get('curve_preferences'), key('curve_preferences'), fail);
  const minVersion = version(tls.get('min_version'), key('min_version'), fail);
  const maxVersion = version(tls.get('max_version'), key('max_version'), fail);
  const prefer = tls.get('prefer_server_cipher_suites');
  if (prefer !== undefined && prefer !== null && typeof prefer !== 'boolean') {
    fail(`${key('prefer_server_cipher_suites')} must be true or false`);
  }

  // TLS is on as in exporter-toolkit: any of these four set. The other keys alone would change nothing.
  if (!certFile && !keyFile && !clientAuthName && !clientCaFile) {
    const idle = [...tls.keys()].find((k) => {
      const v = tls.get(k);
      return v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);
    });
    if (idle) {
      fail(`${key(idle)} is set but TLS is off (no cert_file and key_file): set them, or remove it`);
    }
    return undefined;
  }
  if (!certFile) {
    fail(`${key('cert_file')} is missing (TLS needs cert_file and key_file)`);
  }
  if (!keyFile) {
    fail(`${key('key_file')} is missing (TLS needs cert_file and key_file)`);
  }
  const clientAuth = GO_CLIENT_AUTH_TYPES[clientAuthName];
  if (!clientAuth) {
    fail(
      `${key('client_auth_type')}: "${clientAuthName}" is not NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert`
    );
  }
  if (clientCaFile && clientAuth === 'NoClientCert') {
    fail(`${key('client_ca_file')} is set but client_auth_type is NoClientCert: set a client_auth_type, or remove it`);
  }
  const min = minVersion ?? 'TLSv1.2';
  const max = maxVersion ?? 'TLSv1.3';
  if (VERSION_ORDER.indexOf(min) > VERSION_ORDER.indexOf(max)) {
    fail(`${key('min_version')} is above max_version: no connection could be made`);
  }
  const ciphers = cipherNames.map((name) => {
    if (GO_TLS13_CIPHER_SUITES.includes(name)) {
      return fail(
        `${key('cipher_suites')}: ${name} is a TLS 1.3 suite, which exporter-toolkit (Go) cannot choose either (TLS 1.3 keeps all its suites): remove it`
      );
    }
    const openssl = GO_TLS12_CIPHER_SUITES[name];
    return (
      openssl ??
      fail(
        `${key('cipher_suites')}: "${name}" is not a cipher suite exporter-toolkit accepts (Go's secure suites, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)`
      )
    );
  });
  if (ciphers.length > 0 && min === 'TLSv1.3') {
    fail(`${key('cipher_suites')} has no effect with min_version TLS13 (TLS 1.3 keeps all its suites): remove it`);
  }
  const curves = curveNames.map(
    (name) =>
      GO_CURVES[name] ?? fail(`${key('curve_preferences')}: "${name}" is not CurveP256, CurveP384, CurveP521 or X25519`)
  );
  const settings: TlsSettings = {
    cert: read(certFile),
    key: read(keyFile),
    clientCa: clientCaFile ? read(clientCaFile) : undefined,
    clientAuth,
    minVersion: min,
    maxVersion: max,
    ciphers: ciphers.length > 0 ? ciphers.join(':') : undefined,
    ecdhCurve: curves.length > 0 ? curves.join(':') : undefined,
    honorCipherOrder: prefer !== false,
  };
  if (settings.clientCa && certificatesIn(settings.clientCa) === 0) {
    fail(`${key('client_ca_file')} ${clientCaFile} holds no PEM certificate: no client certificate could be verified`);
  }
  try {
    createSecureContext({
      cert: settings.cert,
      key: settings.key,
      ca: settings.clientCa,
      minVersion: settings.minVersion,
      maxVersion: settings.maxVersion,
      ciphers: settings.ciphers,
      ecdhCurve: settings.ecdhCurve,
    });
  } catch (err) {
    fail(`${certFile} and ${keyFile} cannot be served: ${(err as Error).message}`);
  }
  return settings;
}

function certificatesIn(pem: Buffer): number {
  const blocks = pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return blocks.filter((block) => {
    try {
      return new X509Certificate(block) !== undefined;
    } catch {
      return false;
    }
  }).length;
}

function httpHeaders(http: Map<string, Yaml> | undefined, fail: (m: string) => never): Array<[string, string]> {
  if (!http) {
    return [];
  }
  const http2 = http.get('http2');
  if (http2 !== undefined && http2 !== null && typeof http2 !== 'boolean') {
    fail('http_server_config.http2 must be true or false');
  }
  if (http2 === true) {
    fail(
      'http_server_config.http2: true cannot be enforced: this exporter serves HTTP/1.1 only (set it to false, or remove it)'
    );
  }
  const headers = http.get('headers');
  if (headers === undefined || headers === null) {
    return [];
  }
  if (!(headers instanceof Map)) {
    return fail('http_server_config.headers must be a mapping');
  }
  return [...(headers as Map<Yaml, Yaml>)].map(([name, value]): [string, string] => {
    const allowed = TOOLKIT_HEADERS[String(name)];
    if (typeof name !== 'string' || !(name in TOOLKIT_HEADERS)) {
      return fail(
        `http_server_config.headers: "${String(name)}" cannot be configured (only ${Object.keys(TOOLKIT_HEADERS).join(', ')})`
      );
    }
    if (typeof value !== 'string') {
      return fail(`http_server_config.headers.${name} must be a text`);
    }
    if (allowed && !allowed.includes(value)) {
      return fail(`http_server_config.headers.${name}: "${value}" is not one of ${allowed.join(', ')}`);
    }
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (err) {
      return fail(`http_server_config.headers.${name}: ${(err as Error).message}`);
    }
    return [name, value];
  });
}

function users(value: Yaml, fail: (m: string) => never): Map<string, string> {
  const out = new Map<string, string>();
  if (value === null || value === undefined) {
    return out;
  }
  if (!(value instanceof Map)) {
    return fail('basic_auth_users must be a mapping of user to bcrypt hash');
  }
  for (const [name, hash] of value as Map<Yaml, Yaml>) {
    const user = String(name);
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
      fail(`the password of "${user}" must be a bcrypt hash (e.g. from htpasswd -nBC 10)`);
    }
    if (user.includes(':')) {
      fail(`the user "${user}" cannot log in: basic auth ends the user name at its first ":"`);
    }
    out.set(user, hash as string);
  }
  return out;
}
