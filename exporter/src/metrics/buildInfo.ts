/** `emnify_exporter_build_info`: the version and Node.js running, as labels of a constant 1. */
import { Gauge, Registry } from 'prom-client';

export function registerBuildInfo(registry: Registry, version: string): void {
  new Gauge({
    name: 'emnify_exporter_build_info',
    help: 'Build information; the value is always 1.',
    labelNames: ['version', 'nodejs_version'],
    registers: [registry],
  }).set({ version, nodejs_version: process.version }, 1);
}
