/**
 * The exporter with real Prometheus tools: `promtool check metrics` on its exposition, a real
 * Prometheus scraping it on loopback, `promtool check web-config` on the shipped example, and the
 * web config (basic auth, TLS) served as exporter-toolkit would.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { loadConfig } from '../src/config';
import { Exporter, createExporter } from '../src/exporter';
import { silentLogger } from '../src/logger';
import { makeCertificates } from './certificates';
import { freePort } from '../../test/support/freePort';

const EXAMPLES = resolve(__dirname, '../examples');

function which(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// CI installs Debian's prometheus package (.ci/run); on a developer machine without it, say so.
const haveProm = which('promtool') && which('prometheus');
if (!haveProm && process.env.CI) {
  throw new Error("promtool/prometheus are missing: .ci/run installs Debian's prometheus package");
}
const describeProm = haveProm ? describe : describe.skip;

describeProm('exporter with real Prometheus tools', () => {
  let sim: RunningSimulator;
  let exporter: Exporter;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 8, historyMs: 30 * 60_000, historyEvents: 500, eventsPerSecond: 5 });
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-prom-'));
    exporter = createExporter(
      loadConfig(
        [
          '--emnify.url',
          sim.url,
          '--state.file',
          join(dir, 'state.json'),
          '--web.listen-address',
          '127.0.0.1:0',
          '--poll.interval',
          '1s',
          '--poll.settle',
          '1s',
        ],
        {
          EMNIFY_APPLICATION_TOKEN: sim.applicationToken,
        }
      ),
      { logger: silentLogger }
    );
    port = (await exporter.start()).port;
    for (let i = 0; i < 50 && !exporter.poller.ready; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    await exporter.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes promtool check metrics with the text format Content-Type', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('emnify_events_total{event_type="Create PDP Context"');
    const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out.trim()).toBe('');
  });

  it('is scraped by a real Prometheus, which then answers PromQL over its counters', async () => {
    const promPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: emnify-events-exporter\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`
    );
    const prom: ChildProcess = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' }
    );
    try {
      const query = async (q: string) => {
        const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
        return (await res.json()) as {
          status: string;
          data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
        };
      };
      let total = 0;
      for (let i = 0; i < 60; i++) {
        await new Promise((r) => setTimeout(r, 500));
        try {
          const r = await query('sum(emnify_events_total)');
          total = Number(r.data.result[0]?.value[1] ?? 0);
          if (total > 0) {
            break;
          }
        } catch {
          // Prometheus still starting.
        }
      }
      expect(total).toBeGreaterThan(0);
      const up = await query('up{job="emnify-events-exporter"}');
      expect(up.data.result[0].value[1]).toBe('1');
      const byCountry = await query('sum by (country) (emnify_events_total{event_type="Create PDP Context"})');
      expect(byCountry.data.result.map((r) => r.metric.country)).toContain('DE');
      const info = await query('emnify_exporter_build_info');
      expect(info.data.result[0].metric.version).toBe('0.1.0');
    } finally {
      prom.kill('SIGTERM');
      await new Promise((r) => prom.once('exit', r));
    }
  }, 60_000);

  it('ships a web-config.yml that promtool accepts', () => {
    const result = spawnSync('promtool', ['check', 'web-config', join(EXAMPLES, 'web-config.yml')], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toContain('web-config.yml SUCCESS');
  });
});

describe('web config: basic auth and TLS', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-web-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (webConfig: string) => {
    const file = join(dir, `web-${Math.random()}.yml`);
    writeFileSync(file, webConfig);
    const exporter = createExporter(
      loadConfig(
        [
          '--emnify.url',
          'http://127.0.0.1:1',
          '--state.file',
          join(dir, 'state.json'),
          '--web.listen-address',
          '127.0.0.1:0',
          '--web.config.file',
          file,
          '--poll.interval',
          '1h',
        ],
        {
          EMNIFY_APPLICATION_TOKEN: 'unused',
        }
      ),
      { logger: silentLogger, client: { retry: { maxRetries: 0 } } }
    );
    const { port } = await exporter.start();
    return { exporter, port };
  };

  it('demands the configured basic auth users on every route', async () => {
    const { exporter, port } = await start(
      `basic_auth_users:\n  prometheus: $2a$10$GwFMoHqC8xOsBnWCrJFZL.rCepsLG3lWhZXb09XcoJPsvoXSs5lze\n`
    );
    try {
      const anon = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(anon.status).toBe(401);
      expect(anon.headers.get('www-authenticate')).toBe('Basic realm="emnify-events-exporter"');
      const wrong = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { authorization: `Basic ${Buffer.from('prometheus:nope').toString('base64')}` },
      });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { authorization: `Basic ${Buffer.from('prometheus:demo-password').toString('base64')}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await exporter.stop();
    }
  });

  it('serves HTTPS with the configured certificate', async () => {
    makeCertificates(dir);
    const { exporter, port } = await start(
      `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS12\n`
    );
    try {
      const https = await import('node:https');
      const body = await new Promise<string>((resolveBody, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/-/healthy', rejectUnauthorized: false }, (res) => {
            let data = '';
            res.on('data', (c) => (data += c));
            res.on('end', () => resolveBody(data));
          })
          .on('error', reject);
      });
      expect(body).toBe('Healthy\n');
    } finally {
      await exporter.stop();
    }
  });

  it('refuses a plain-text password with a clear message', () => {
    const file = join(dir, 'plain.yml');
    writeFileSync(file, 'basic_auth_users:\n  prometheus: secret\n');
    expect(() =>
      createExporter(
        loadConfig(['--state.file', join(dir, 's.json'), '--web.config.file', file], { EMNIFY_APPLICATION_TOKEN: 'x' }),
        { logger: silentLogger }
      )
    ).toThrow(`web config ${file}: the password of "prometheus" must be a bcrypt hash (e.g. from htpasswd -nBC 10)`);
  });
});
