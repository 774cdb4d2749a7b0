// Extends create-plugin's webpack configuration (./.config, not edited): the shared emnify client is
// bundled from its TypeScript sources.
import path from 'path';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(baseConfig, {
    resolve: {
      alias: { '@emnify-events/client': path.resolve(__dirname, 'packages/client/src/index.ts') },
    },
  });
};

export default config;
