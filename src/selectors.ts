/** Test ids of the editors, in one place for RTL and browser tests. */
export const selectors = {
  config: {
    apiUrl: 'emnify-config-api-url',
    token: 'emnify-config-token',
    pageSize: 'emnify-config-page-size',
    maxPages: 'emnify-config-max-pages',
  },
  query: {
    format: 'emnify-query-format',
    eventTypes: 'emnify-query-event-types',
    severity: 'emnify-query-severity',
    source: 'emnify-query-source',
    alert: 'emnify-query-alert',
    text: (field: string) => `emnify-query-${field}`,
    groupBy: 'emnify-query-group-by',
    scope: 'emnify-query-scope',
    error: 'emnify-query-error',
    limitHint: 'emnify-query-limit-hint',
  },
  variable: { kind: 'emnify-variable-kind' },
};
