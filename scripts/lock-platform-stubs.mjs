#!/usr/bin/env node
// Adds package-lock entries for platform-specific optional dependencies that this machine's npm
// registry does not serve (e.g. @swc/core-darwin-arm64). Without them `npm ci` stops with
// "Missing: <pkg> from lock file"; with them, npm skips the foreign-platform packages on Linux and
// fetches them normally on a machine whose registry has them. Run after `npm install` changes the lock:
//   node scripts/lock-platform-stubs.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

const OS = { darwin: 'darwin', linux: 'linux', win32: 'win32', freebsd: 'freebsd', android: 'android' };
const CPU = ['x64', 'arm64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'];

/** `@swc/core-linux-arm64-musl` → { os: ['linux'], cpu: ['arm64'], libc: ['musl'] }; undefined if not a platform name. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osIndex = parts.findIndex((p) => p in OS);
  if (osIndex < 0 || !CPU.includes(parts[osIndex + 1])) {
    return undefined;
  }
  const abi = parts[osIndex + 2];
  const libc = parts[osIndex] === 'linux' && abi ? (abi === 'musl' ? ['musl'] : ['glibc']) : undefined;
  return { os: [OS[parts[osIndex]]], cpu: [parts[osIndex + 1]], ...(libc ? { libc } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const hoisted = `node_modules/${dep}`;
    const nested = `${path}/node_modules/${dep}`;
    if (packages[hoisted] || packages[nested]) {
      continue;
    }
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) {
      continue;
    }
    packages[hoisted] = { version, dev: entry.dev, optional: true, ...platform };
    added++;
  }
}
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platform-stubs: added ${added} entries`);
