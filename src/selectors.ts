/** Test ids of the editors, in one place for RTL and browser tests. */
export const selectors = {
  config: {
    connection: 'emnify-config-connection',
    apiUrl: 'emnify-config-api-url',
    token: 'emnify-config-token',
    gatewayUrl: 'emnify-config-gateway-url',
    gatewayToken: 'emnify-config-gateway-token',
    pageSize: 'emnify-config-page-size',
    maxPages: 'emnify-config-max-pages',
  },
  query: {
    format: 'emnify-query-format',
    /** The input of a filter of the field table (query/fields.ts), by its key; also 'scope' and 'scopeId'. */
    field: (key: string) => `emnify-query-${key}`,
    groupBy: 'emnify-query-group-by',
    moreFilters: 'emnify-query-more-filters',
    typesError: 'emnify-query-types-error',
    error: 'emnify-query-error',
  },
  variable: { kind: 'emnify-variable-kind' },
};
