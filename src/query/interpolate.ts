/**
 * Template variables in every filter of a query and in the scope id, as the field table says
 * (fields.ts): a field that takes several values gets a multi-value variable as `a|b|c`, the API's
 * separator; a field that takes one value rejects a variable that holds several, naming the field and
 * the variable, instead of sending a literal `a|b` that would match nothing. Never runs inside
 * migration (normalise.ts runs first).
 */
import { FilterValidationError } from '@emnify-events/client';
import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import { EmnifyQuery } from '../types';
import { FILTER_FIELDS } from './fields';

/**
 * How Grafana calls a function format: with the variable's value (a list for a multi-value variable)
 * and the variable (grafana/scenes sceneInterpolator.ts; the legacy TemplateSrv.replace does the same).
 */
type FormatFunction = (value: unknown, variable?: { name?: string }) => string;

const asText = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value ?? '')]);

const joinWithPipe: FormatFunction = (value) => asText(value).join('|');

/** `text` with its variables replaced; throws when a variable gives several values to a one-value field. */
function replaceOne(
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars,
  text: string,
  field: string,
  what: string
): string {
  let several: { variable: string; values: string[] } | undefined;
  const format: FormatFunction = (value, variable) => {
    const values = asText(value);
    if (values.length > 1 && !several) {
      several = { variable: variable?.name ? `$${variable.name}` : text, values };
    }
    return values.join('|');
  };
  const replaced = templateSrv.replace(text, scopedVars, format);
  if (several) {
    throw new FilterValidationError(
      field,
      `${several.variable} holds ${several.values.length} values (${several.values.join(', ')}), but ${what} takes one: select a single value of the variable`
    );
  }
  return replaced;
}

/** The query with every variable replaced. Throws FilterValidationError for a multi-value variable in a one-value field. */
export function interpolateQuery(
  query: EmnifyQuery,
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars = {}
): EmnifyQuery {
  const out: Record<string, unknown> = { ...query };
  for (const field of FILTER_FIELDS) {
    const value = query[field.key];
    if (Array.isArray(value)) {
      // A list (event types): each entry may hold a multi-value variable; the list takes every value.
      out[field.key] = value
        .flatMap((v) => templateSrv.replace(v, scopedVars, joinWithPipe).split('|'))
        .filter((v) => v !== '');
    } else if (typeof value === 'string' && value !== '') {
      out[field.key] =
        field.values === 'many'
          ? templateSrv.replace(value, scopedVars, joinWithPipe)
          : replaceOne(templateSrv, scopedVars, value, field.filter, field.label);
    }
  }
  if (query.scopeId) {
    const scope = query.scope ?? 'all';
    out.scopeId = replaceOne(templateSrv, scopedVars, query.scopeId, `${scope} id`, `the ${scope} id`);
  }
  return out as unknown as EmnifyQuery;
}
