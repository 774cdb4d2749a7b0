// The plugin's TypeScript (and what it imports) bundled for Node by esbuild at bench time, as webpack
// bundles it for the browser, with the same alias for the shared client, into a temp dir.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the `exports` lines (TypeScript, paths from the repository root); resolves with the file and its directory. */
export async function bundleForNode(name, exports) {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const outfile = join(dir, `${name}.cjs`);
  await build({
    stdin: { contents: exports.join('\n'), resolveDir: ROOT, loader: 'ts', sourcefile: `bench-${name}-entry.ts` },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    alias: { '@emnify-events/client': join(ROOT, 'packages/client/src/index.ts') },
    tsconfig: join(ROOT, 'tsconfig.json'),
  });
  return { outfile, dir };
}
