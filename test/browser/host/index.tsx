/**
 * The browser-test host: what Grafana provides to a plugin, bundled by esbuild. It must load before
 * require.js (see the page in ../harness.ts), registers React, @grafana/* and rxjs as the AMD modules
 * the built dist/module.js asks for, and mounts the plugin's editors in Grafana's dark theme.
 */
import './bootData';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as grafanaData from '@grafana/data';
import * as grafanaUi from '@grafana/ui';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaI18n from '@grafana/i18n';
import * as grafanaSchema from '@grafana/schema';
import * as emotionCss from '@emotion/css';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';
import { App, HostProps } from './App';
import { createBackendSrv } from '../../grafana/backendSrv';
import { grafanaTemplateSrv } from '../../grafana/dashboardScene';
import { hostIds } from './ids';

/** The modules Grafana shares with plugins (the externals of create-plugin's webpack config we use). */
const modules: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/i18n': grafanaI18n,
  '@grafana/schema': grafanaSchema,
  '@emotion/css': emotionCss,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

// Grafana's backend_srv over the browser's fetch (same-origin credentials, as fetch.ts parseCredentials).
grafanaRuntime.setBackendSrv(createBackendSrv((url, init) => fetch(url, { ...init, credentials: 'same-origin' })));
// Grafana's TemplateSrv of scenes dashboards: a query run by a dashboard's scene is interpolated there;
// outside a dashboard (the editors below) there are no variables and text stays as it is.
grafanaRuntime.setTemplateSrv(grafanaTemplateSrv(() => undefined));

const theme = grafanaData.createTheme({ colors: { mode: 'dark' } });

function mount(element: React.ReactElement) {
  const root = ReactDOMClient.createRoot(document.getElementById('root')!);
  root.render(
    <grafanaData.ThemeContext.Provider value={theme}>
      <grafanaUi.GlobalStyles />
      {element}
    </grafanaData.ThemeContext.Provider>
  );
}

declare global {
  interface Window {
    emnifyHost: {
      modules: Record<string, unknown>;
      start(plugin: HostProps['plugin'], options: Omit<HostProps, 'plugin'> & { pluginBaseUrl: string }): Promise<void>;
      fail(error: unknown): void;
    };
  }
}

window.emnifyHost = {
  modules,
  async start(plugin, { pluginBaseUrl, ...options }) {
    // As Grafana does after importing a plugin's module: its plugin.json becomes `plugin.meta`
    // (public/app/features/plugins/plugin_loader.ts, importDataSourcePlugin).
    const meta = (await (await fetch(`${pluginBaseUrl}/plugin.json`)).json()) as grafanaData.DataSourcePluginMeta;
    plugin.meta = { ...meta, baseUrl: pluginBaseUrl, module: `${pluginBaseUrl}/module.js` };
    mount(<App plugin={plugin} {...options} />);
  },
  fail(error) {
    mount(
      <grafanaUi.Alert data-testid={hostIds.loadError} severity="error" title="The plugin did not load">
        {String(error)}
      </grafanaUi.Alert>
    );
  },
};
