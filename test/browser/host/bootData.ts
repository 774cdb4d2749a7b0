// Grafana serves its settings in window.grafanaBootData before any of its code runs; @grafana/runtime
// reads them when it loads. This module is imported first so that is true here as well.
declare global {
  interface Window {
    grafanaBootData?: unknown;
  }
}

window.grafanaBootData = {
  settings: {
    appSubUrl: '',
    buildInfo: { version: '12.4.10', edition: 'Open Source' },
    featureToggles: {},
    datasources: {},
    panels: {},
  },
  user: {
    id: 1,
    login: 'admin',
    orgId: 1,
    orgRole: 'Admin',
    isSignedIn: true,
    theme: 'dark',
    lightTheme: false,
    timezone: 'utc',
  },
  navTree: [],
};

export {};
