/**
 * plugin.json against the rules of Grafana's plugin schema: plugin.schema.json next to this file is our
 * own JSON Schema document, written from the facts Grafana's schema states (grafana/grafana,
 * docs/sources/developers/plugins/plugin.schema.json); ajv validates against it, with ajv-formats for
 * `email` and `uri`.
 *
 * Hand-written here, and why: only the wording. ajv reports `{instancePath, keyword, params}`; we turn
 * each into one line `<path>: <problem>` with a path as a reader writes it (`info.links[0].url`, the
 * top-level object as `(root)`) and the offending value quoted, because the build's and the validator's
 * reports (pluginValidator.ts) and their tests rely on those exact lines. Problems come in the order ajv
 * finds them: the schema's property order, which follows a plugin.json's usual order.
 */
import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import schema from './plugin.schema.json';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
addFormats(ajv, ['email', 'uri']);
const validate = ajv.compile(schema);

const FORMAT_NOUNS: Record<string, string> = { email: 'an email address', uri: 'an absolute URI' };

function typeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}

/** `/info/links/0/url` → `info.links[0].url`; the root → `(root)`. */
function pathOf(pointer: string): string {
  if (pointer === '') {
    return '(root)';
  }
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function problemOf(error: ErrorObject): string {
  const value: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `missing required property "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `unknown property "${String(params.additionalProperty)}"`;
    case 'type': {
      const type = String(params.type);
      return `must be ${type === 'array' || type === 'object' ? 'an' : 'a'} ${type}, got ${typeOf(value)}`;
    }
    case 'enum':
      return `${JSON.stringify(value)} is not one of ${(params.allowedValues as string[]).join(', ')}`;
    case 'pattern':
      return `${JSON.stringify(value)} does not match ${String(params.pattern)}`;
    case 'format':
      return `${JSON.stringify(value)} is not ${FORMAT_NOUNS[String(params.format)] ?? `a valid ${String(params.format)}`}`;
    case 'minItems':
      return `must have at least ${Number(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'minLength':
      return `must be at least ${Number(params.limit)} characters long`;
    default:
      // A keyword this schema does not use yet: ajv's own message.
      return error.message ?? error.keyword;
  }
}

/** Every violation of the plugin.json rules by `value` (parsed JSON), one line each; empty when it is valid. */
export function validatePluginJson(value: unknown): string[] {
  if (validate(value)) {
    return [];
  }
  return (validate.errors ?? []).map((error) => `${pathOf(error.instancePath)}: ${problemOf(error)}`);
}
