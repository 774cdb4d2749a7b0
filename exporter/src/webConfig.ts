/**
 * Prometheus exporter-toolkit web configuration (`web-config.yml`): TLS (`tls_server_config`) and basic
 * auth (`basic_auth_users` with bcrypt hashes), so `promtool check web-config` validates the same file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import type { RequestHandler } from 'express';
import { parse } from 'yaml';
import { WebConfigError } from './errors';

export interface WebConfig {
  tls?: { cert: Buffer; key: Buffer; minVersion?: 'TLSv1.2' | 'TLSv1.3' };
  basicAuthUsers: Record<string, string>;
}

const errorCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

const TLS_VERSIONS: Record<string, 'TLSv1.2' | 'TLSv1.3'> = { TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

export function loadWebConfig(path: string, readFile: (p: string) => Buffer = (p) => readFileSync(p)): WebConfig {
  let text: string;
  try {
    text = readFile(path).toString('utf8');
  } catch (err) {
    throw new WebConfigError(`web config ${path}: cannot read it (${errorCode(err)})`);
  }
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new WebConfigError(`web config ${path}: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new WebConfigError(`web config ${path}: expected a mapping`);
  }
  const known = new Set(['tls_server_config', 'basic_auth_users', 'http_server_config']);
  for (const key of Object.keys(doc)) {
    if (!known.has(key)) {
      throw new WebConfigError(`web config ${path}: unknown key "${key}"`);
    }
  }
  const cfg = doc as { tls_server_config?: Record<string, unknown>; basic_auth_users?: Record<string, unknown> };
  const out: WebConfig = { basicAuthUsers: {} };
  const base = dirname(path);
  if (cfg.tls_server_config) {
    const tls = cfg.tls_server_config;
    if (typeof tls.cert_file !== 'string' || typeof tls.key_file !== 'string') {
      throw new WebConfigError(`web config ${path}: tls_server_config needs cert_file and key_file`);
    }
    const read = (f: string) => {
      try {
        return readFile(resolve(base, f));
      } catch (err) {
        throw new WebConfigError(`web config ${path}: cannot read ${f} (${errorCode(err)})`);
      }
    };
    const minVersion = typeof tls.min_version === 'string' ? TLS_VERSIONS[tls.min_version] : undefined;
    if (tls.min_version !== undefined && !minVersion) {
      throw new WebConfigError(`web config ${path}: min_version "${String(tls.min_version)}" is not TLS12 or TLS13`);
    }
    out.tls = { cert: read(tls.cert_file), key: read(tls.key_file), minVersion };
  }
  for (const [user, hash] of Object.entries(cfg.basic_auth_users ?? {})) {
    if (typeof hash !== 'string' || !/^\$2[aby]\$\d\d\$/.test(hash)) {
      throw new WebConfigError(
        `web config ${path}: the password of "${user}" must be a bcrypt hash (e.g. from htpasswd -nBC 10)`
      );
    }
    out.basicAuthUsers[user] = hash;
  }
  return out;
}

/** Basic auth over every route when users are configured; results cached per credential for speed. */
export function basicAuth(users: Record<string, string>): RequestHandler {
  const verified = new Map<string, boolean>();
  return (req, res, next) => {
    if (Object.keys(users).length === 0) {
      next();
      return;
    }
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (match) {
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      const hash = users[user];
      if (colon > 0 && hash) {
        const key = createHash('sha256').update(decoded).digest('hex');
        let ok = verified.get(key);
        if (ok === undefined) {
          ok = bcrypt.compareSync(decoded.slice(colon + 1), hash);
          if (verified.size < 1000) {
            verified.set(key, ok);
          }
        }
        if (ok) {
          next();
          return;
        }
      }
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="emnify-events-exporter"');
    res.status(401).type('text/plain').send('Unauthorized\n');
  };
}
