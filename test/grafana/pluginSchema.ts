/**
 * The rules of Grafana's plugin.json schema (plugin.schema.json in grafana/grafana,
 * docs/sources/developers/plugins/), written down here as our own rule table: the state of the schema
 * as Grafana's plugin validator applied it in July 2026. Not a copy of the schema and not a JSON Schema
 * interpreter: each rule below is a TypeScript value built from the facts the schema states (required
 * properties, value types, allowed values, patterns, minimum sizes, formats, and which objects reject
 * keys they do not list). When Grafana changes the schema, change the table.
 *
 * `validatePluginJson(value)` returns one message per violation, `<path>: <problem>`, in document order;
 * an empty list means the value satisfies every rule. Paths look like `info.links[0].url`; problems with
 * the top-level object itself use the path `(root)`.
 */

type StringRule = {
  kind: 'string';
  pattern?: RegExp;
  values?: readonly string[];
  minLength?: number;
  format?: 'email' | 'uri';
};
type ArrayRule = { kind: 'array'; items?: Rule; minItems?: number };
type ObjectRule = {
  kind: 'object';
  properties: Record<string, Rule>;
  required: readonly string[];
  /** true: a key that `properties` does not list is an error (the schema's additionalProperties: false). */
  closed: boolean;
};
type Rule = StringRule | ArrayRule | ObjectRule | { kind: 'number' } | { kind: 'boolean' };

const string = (extra: Omit<StringRule, 'kind'> = {}): StringRule => ({ kind: 'string', ...extra });
const oneOf = (...values: string[]): StringRule => string({ values });
const number: Rule = { kind: 'number' };
const boolean: Rule = { kind: 'boolean' };
const array = (items?: Rule, minItems?: number): ArrayRule => ({ kind: 'array', items, minItems });
/** An object that rejects unknown keys. */
const closed = (properties: Record<string, Rule>, required: readonly string[] = []): ObjectRule => ({
  kind: 'object',
  properties,
  required,
  closed: true,
});
/** An object that accepts keys beyond the listed ones. */
const open = (properties: Record<string, Rule>, required: readonly string[] = []): ObjectRule => ({
  kind: 'object',
  properties,
  required,
  closed: false,
});

// The plugin id naming convention: <org>-<type> or <org>-<name>-<type>, lower-case letters and digits.
const PLUGIN_ID = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/;
// Extension point and exposed component ids: <plugin id>/<name>/v<version>.
const EXTENSION_ID = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)\/[a-zA-Z0-9_-]+\/v[0-9_.-]+$/;
// The schema's version pattern has its alternation at the top level, so it accepts any string that
// starts with MAJOR.MINOR.PATCH (no leading zeros), or one that ends with the %VERSION% placeholder.
// Kept as the schema has it; the plugin-validator check in pluginValidator.ts wants a full semver.
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)|(%VERSION%)$/;
const UPDATED = /^(\d{4}-\d{2}-\d{2}|%TODAY%)$/;
const GRAFANA_VERSION = /^([0-9]+)(\.[0-9x]+)?(\.[0-9x])?$/;
const PASCAL_NAME = /^([A-Z][a-zA-Z]{1,62})$/;

/**
 * grafanaDependency: one or more comparator sets joined by ` || `; a set is one comparator or two
 * separated by a single white-space character. The first comparator may carry <=, >=, <, >, =, ~ or ^,
 * the second only <=, >=, < or => (sic: the schema lists `=>`, not `>`). Versions are MAJOR[.MINOR[.PATCH]]
 * with x or * wildcards and an optional -prerelease.
 */
const GRAFANA_DEPENDENCY = (() => {
  const version = String.raw`[0-9]+(\.[0-9x*]+)?(\.[0-9x*]+)?(-[0-9A-Za-z-.]+)?`;
  const set = String.raw`(<=|>=|<|>|=|~|\^)?${version}(\s(<=|>=|<|=>)?${version})?`;
  return new RegExp(String.raw`^${set}(\s\|\|\s${set})*$`);
})();

const permission = closed({ action: string(), scope: string() });
const extensionTarget = open({ targets: array(string()), title: string({ minLength: 10 }), description: string() }, [
  'targets',
  'title',
]);
const extensionId = open({ id: string({ pattern: EXTENSION_ID }), title: string(), description: string() }, ['id']);

const PLUGIN_JSON: ObjectRule = closed(
  {
    id: string({ pattern: PLUGIN_ID }),
    type: oneOf('app', 'datasource', 'panel', 'renderer'),
    name: string(),
    info: closed(
      {
        author: closed({ name: string(), email: string({ format: 'email' }), url: string({ format: 'uri' }) }),
        build: closed({
          time: number,
          repo: string(),
          branch: string(),
          hash: string(),
          number,
          pr: number,
          build: number,
        }),
        description: string(),
        keywords: array(string(), 1),
        links: array(
          closed({
            name: string(),
            url: string({ format: 'uri' }),
            target: oneOf('_blank', '_self', '_parent', '_top'),
          })
        ),
        logos: closed({ small: string(), large: string() }, ['small', 'large']),
        screenshots: array(closed({ name: string(), path: string() })),
        updated: string({ pattern: UPDATED }),
        version: string({ pattern: VERSION }),
      },
      ['logos', 'version', 'updated', 'keywords']
    ),
    dependencies: closed(
      {
        grafanaVersion: string({ pattern: GRAFANA_VERSION }),
        grafanaDependency: string({ pattern: GRAFANA_DEPENDENCY }),
        plugins: array(
          open({ id: string({ pattern: PLUGIN_ID }), type: oneOf('app', 'datasource', 'panel'), name: string() }, [
            'id',
            'name',
            'type',
          ])
        ),
        extensions: open({ exposedComponents: array(string()) }),
      },
      ['grafanaDependency']
    ),
    $schema: string(),
    alerting: boolean,
    annotations: boolean,
    autoEnabled: boolean,
    backend: boolean,
    buildMode: string(),
    builtIn: boolean,
    // Free text since the schema dropped its list (tsdb, logging, cloud, tracing, profiling, sql,
    // enterprise, iot, other are the documented ones; custom strings are allowed).
    category: string(),
    docsPath: string(),
    enterpriseFeatures: open({ healthDiagnosticsErrors: boolean }),
    executable: string(),
    hideFromList: boolean,
    includes: array(
      open(
        {
          uid: string(),
          type: oneOf('dashboard', 'page', 'panel', 'datasource'),
          name: string(),
          component: string(),
          role: oneOf('Admin', 'Editor', 'Viewer'),
          action: string(),
          path: string(),
          addToNav: boolean,
          defaultNav: boolean,
          icon: string(),
        },
        ['type']
      )
    ),
    logs: boolean,
    metrics: boolean,
    mixed: boolean,
    multiValueFilterOperators: boolean,
    pascalName: string({ pattern: PASCAL_NAME }),
    preload: boolean,
    suggestions: boolean,
    queryOptions: closed({ maxDataPoints: boolean, minInterval: boolean, cacheTimeout: boolean }),
    routes: array(
      closed(
        {
          path: string(),
          // Free text: one HTTP verb or a comma-separated list of them.
          method: string(),
          url: string(),
          reqSignedIn: boolean,
          reqRole: string(),
          reqAction: string(),
          headers: array(),
          body: open({}),
          tokenAuth: closed({
            url: string(),
            scopes: array(string()),
            params: open({ grant_type: string(), client_id: string(), client_secret: string(), resource: string() }),
          }),
          jwtTokenAuth: open({
            url: string({ format: 'uri' }),
            scopes: array(string()),
            params: closed({ token_uri: string(), client_email: string(), private_key: string() }),
          }),
          urlParams: array(closed({ name: string(), content: string() })),
        },
        ['path']
      )
    ),
    skipDataQuery: boolean,
    state: oneOf('alpha', 'beta', 'stable', 'deprecated'),
    streaming: boolean,
    tracing: boolean,
    iam: open({ permissions: array(permission) }),
    roles: array(
      closed({
        role: closed({ name: string(), description: string(), permissions: array(permission) }),
        grants: array(string()),
      })
    ),
    extensions: open({
      addedComponents: array(extensionTarget),
      addedLinks: array(extensionTarget),
      addedFunctions: array(extensionTarget),
      exposedComponents: array(extensionId),
      extensionPoints: array(extensionId),
    }),
    languages: array(string()),
  },
  ['type', 'name', 'id', 'info', 'dependencies']
);

function typeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}

function isAbsoluteUri(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S*$/.test(value)) {
    return false;
  }
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const FORMAT_CHECKS: Record<NonNullable<StringRule['format']>, { test: (v: string) => boolean; noun: string }> = {
  email: { test: (v) => /^[^\s@]+@[^\s@]+$/.test(v), noun: 'an email address' },
  uri: { test: isAbsoluteUri, noun: 'an absolute URI' },
};

function check(rule: Rule, value: unknown, path: string, errors: string[]): void {
  const at = path || '(root)';
  const actual = typeOf(value);
  if (rule.kind !== actual) {
    errors.push(
      `${at}: must be ${rule.kind === 'array' || rule.kind === 'object' ? 'an' : 'a'} ${rule.kind}, got ${actual}`
    );
    return;
  }
  switch (rule.kind) {
    case 'string': {
      const text = value as string;
      if (rule.values && !rule.values.includes(text)) {
        errors.push(`${at}: ${JSON.stringify(text)} is not one of ${rule.values.join(', ')}`);
      }
      if (rule.pattern && !rule.pattern.test(text)) {
        errors.push(`${at}: ${JSON.stringify(text)} does not match ${rule.pattern.source}`);
      }
      if (rule.minLength !== undefined && [...text].length < rule.minLength) {
        errors.push(`${at}: must be at least ${rule.minLength} characters long`);
      }
      if (rule.format && !FORMAT_CHECKS[rule.format].test(text)) {
        errors.push(`${at}: ${JSON.stringify(text)} is not ${FORMAT_CHECKS[rule.format].noun}`);
      }
      return;
    }
    case 'array': {
      const items = value as unknown[];
      if (rule.minItems !== undefined && items.length < rule.minItems) {
        errors.push(`${at}: must have at least ${rule.minItems} item${rule.minItems === 1 ? '' : 's'}`);
      }
      if (rule.items) {
        items.forEach((item, i) => check(rule.items!, item, `${path}[${i}]`, errors));
      }
      return;
    }
    case 'object': {
      const object = value as Record<string, unknown>;
      for (const key of rule.required) {
        if (!(key in object)) {
          errors.push(`${at}: missing required property "${key}"`);
        }
      }
      for (const [key, child] of Object.entries(object)) {
        const childRule = Object.prototype.hasOwnProperty.call(rule.properties, key) ? rule.properties[key] : undefined;
        if (childRule) {
          check(childRule, child, path ? `${path}.${key}` : key, errors);
        } else if (rule.closed) {
          errors.push(`${at}: unknown property "${key}"`);
        }
      }
      return;
    }
    default:
      return;
  }
}

/** Every violation of the plugin.json rules by `value` (parsed JSON); empty when it is valid. */
export function validatePluginJson(value: unknown): string[] {
  const errors: string[] = [];
  check(PLUGIN_JSON, value, '', errors);
  return errors;
}
