import { spawnSync } from 'node:child_process';

/** Whether a program is on the PATH. */
export function have(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

/**
 * The real engines the stack and alerting tests use, all from Debian (`.ci/run` installs them). Without
 * them the tests that need them are skipped, except in CI (`CI=true`), where their absence is an error.
 */
export const ENGINES = [
  'promtool',
  'prometheus',
  'amtool',
  'prometheus-alertmanager',
  'victoria-metrics',
  'docker-compose',
] as const;

export function requireEnginesInCi(): void {
  const missing = ENGINES.filter((bin) => !have(bin));
  if (process.env.CI && missing.length > 0) {
    throw new Error(
      `CI must provide ${missing.join(', ')} (.ci/run installs prometheus, prometheus-alertmanager, victoria-metrics and docker-compose from Debian)`
    );
  }
}
