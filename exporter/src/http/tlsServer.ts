/**
 * The HTTPS server of a web config's TLS settings, with client certificates enforced as exporter-toolkit
 * (Go's tls.ClientAuthType) does: Node verifies a certificate against `client_ca_file` (or its root store)
 * when asked to reject unverified ones; the two policies Node has no switch for (a certificate required but
 * not verified, a certificate verified only if given) are enforced when the handshake ends, before a byte
 * of HTTP is read: the connection is closed.
 */
import { ServerOptions } from 'node:https';
import type { Server } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TlsSettings } from '../webConfig';

export function httpsServerOptions(tls: TlsSettings): ServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.clientCa,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    ciphers: tls.ciphers,
    ecdhCurve: tls.ecdhCurve,
    honorCipherOrder: tls.honorCipherOrder,
    requestCert: tls.clientAuth !== 'NoClientCert',
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
    // HTTP/1.1 only (http_server_config.http2: true is refused by the web config).
    ALPNProtocols: ['http/1.1'],
  };
}

const presentedCertificate = (socket: TLSSocket): boolean => !!socket.getPeerCertificate()?.raw;

/** Closes connections that do not meet `client_auth_type` where Node's options alone cannot say so. */
export function enforceClientCertificates(server: Server, tls: TlsSettings): void {
  const policy =
    tls.clientAuth === 'RequireAnyClientCert'
      ? (socket: TLSSocket) => presentedCertificate(socket)
      : tls.clientAuth === 'VerifyClientCertIfGiven'
        ? (socket: TLSSocket) => !presentedCertificate(socket) || socket.authorized
        : undefined;
  if (policy) {
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      if (!policy(socket)) {
        socket.destroy();
      }
    });
  }
}
