/**
 * Certificates for the TLS tests, made by openssl in `dir`: a CA (`ca.pem`), a server certificate for
 * 127.0.0.1 signed by it (`server.pem`/`.key`), a client certificate signed by it (`client.pem`/`.key`), a
 * self-signed client certificate (`stranger.pem`/`.key`), a self-signed ECDSA P-256 server certificate
 * (`ec.pem`/`.key`), and a file that holds no certificate (`no-certificate.pem`). Valid for two days.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeCertificates(dir: string): void {
  const openssl = (command: string) => execFileSync('openssl', command.split(' '), { cwd: dir, stdio: 'ignore' });
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  writeFileSync(join(dir, 'no-certificate.pem'), 'this file holds no certificate\n');
  const key = 'rsa:2048 -nodes -days 2';
  openssl(`req -x509 -newkey ${key} -keyout ca.key -out ca.pem -subj /CN=test-CA`);
  openssl('req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1');
  openssl(
    'x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 2 -out server.pem -extfile server.ext'
  );
  openssl('req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=prometheus');
  openssl(
    'x509 -req -in client.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2 -out client.pem -extfile client.ext'
  );
  openssl(
    `req -x509 -newkey ${key} -keyout stranger.key -out stranger.pem -subj /CN=stranger -addext extendedKeyUsage=clientAuth`
  );
  openssl(
    'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout ec.key -out ec.pem -subj /CN=127.0.0.1'
  );
}
