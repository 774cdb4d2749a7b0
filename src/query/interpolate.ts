/**
 * Template variables in every filter of a query and in the scope id, as the field table says
 * (fields.ts): a field that takes several values gets a multi-value variable as `a|b|c`, the API's
 * separator; a field that takes one value rejects a variable that holds several, naming the field and
 * the variable, instead of sending a literal `a|b` that would match nothing. "All" means any value
 * (anyValue.ts): a custom all value `*`, or a variable holding every value the field can have, leaves
 * the filter out. Never runs inside migration (normalise.ts runs first).
 */
import { FilterValidationError, MAX_MULTI_VALUES } from '@emnify-events/client';
import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import { EmnifyQuery } from '../types';
import { ANY_VALUE, FieldDomains, coversDomain, withoutAnyValues } from './anyValue';
import { FILTER_FIELDS } from './fields';

/**
 * How Grafana calls a function format: with the variable's value (a list for a multi-value variable, or
 * every option's value for "All" without a custom all value) and `{ name, type, multi, includeAll }`
 * (grafana/scenes sceneInterpolator.ts formatValue; the legacy TemplateSrv.replace does the same). A
 * custom all value never reaches it: Grafana inserts that text as it is.
 */
type FormatFunction = (value: unknown, variable?: { name?: string; includeAll?: boolean }) => string;

const asText = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value ?? '')]);

/** The values a variable held, for a message: the first few, then how many more. */
const listed = (values: readonly string[]) =>
  values.length <= 8 ? values.join(', ') : `${values.slice(0, 8).join(', ')} and ${values.length - 8} more`;

/** What to say when a variable has no custom all value and "All" gave every option. */
const allHint = (includeAll: boolean) =>
  includeAll ? ` (for "All" to mean any value, give the variable the custom all value "${ANY_VALUE}")` : '';

/**
 * `text` with its variables replaced, several values joined with `|`, values that cover the field's domain
 * as ANY_VALUE. A variable holding more values than the API takes (6) is an error naming it, never a
 * request cut short.
 */
function replaceMany(
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars,
  text: string,
  field: { filter: string; label: string },
  domain: ReadonlyArray<readonly string[]> | undefined
): string {
  let tooMany: { variable: string; values: string[]; includeAll: boolean } | undefined;
  const format: FormatFunction = (value, variable) => {
    const values = asText(value);
    if (values.length > 1 && coversDomain(values, domain)) {
      return ANY_VALUE;
    }
    if (values.length > MAX_MULTI_VALUES && !tooMany) {
      tooMany = { variable: variable?.name ? `$${variable.name}` : text, values, includeAll: !!variable?.includeAll };
    }
    return values.join('|');
  };
  const replaced = templateSrv.replace(text, scopedVars, format);
  if (tooMany) {
    throw new FilterValidationError(
      field.filter,
      `${tooMany.variable} holds ${tooMany.values.length} values (${listed(tooMany.values)}), but ${field.label} takes at most ${MAX_MULTI_VALUES} (the emnify API's limit): select at most ${MAX_MULTI_VALUES}, or All${tooMany.includeAll ? ` (All is any value when the variable's custom all value is "${ANY_VALUE}")` : ''}`
    );
  }
  return replaced;
}

/** `text` with its variables replaced; throws when a variable gives several values to a one-value field. */
function replaceOne(
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars,
  text: string,
  field: string,
  what: string,
  domain?: ReadonlyArray<readonly string[]>
): string {
  let several: { variable: string; values: string[]; includeAll: boolean } | undefined;
  const format: FormatFunction = (value, variable) => {
    const values = asText(value);
    if (values.length > 1 && coversDomain(values, domain)) {
      return ANY_VALUE;
    }
    if (values.length > 1 && !several) {
      several = {
        variable: variable?.name ? `$${variable.name}` : text,
        values,
        includeAll: variable?.includeAll === true,
      };
    }
    return values.join('|');
  };
  const replaced = templateSrv.replace(text, scopedVars, format);
  if (several) {
    const all = allHint(several.includeAll);
    throw new FilterValidationError(
      field,
      `${several.variable} holds ${several.values.length} values (${several.values.join(', ')}), but ${what} takes one: select a single value of the variable${all}`
    );
  }
  return replaced;
}

/**
 * The query with every variable replaced and the filters meaning "any value" left out. `domains` holds
 * the complete value sets known for fields (anyValue.ts fieldDomains). Throws FilterValidationError for a
 * multi-value variable in a one-value field.
 */
export function interpolateQuery(
  query: EmnifyQuery,
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars = {},
  domains: FieldDomains = {}
): EmnifyQuery {
  const out: Record<string, unknown> = { ...query };
  for (const field of FILTER_FIELDS) {
    const value = query[field.key];
    const domain = domains[field.key];
    if (Array.isArray(value)) {
      // A list (event types): each entry may hold a multi-value variable; the list takes every value.
      out[field.key] = value
        .flatMap((v) => replaceMany(templateSrv, scopedVars, v, field, domain).split('|'))
        .filter((v) => v !== '');
    } else if (typeof value === 'string' && value !== '') {
      out[field.key] =
        field.values === 'many'
          ? replaceMany(templateSrv, scopedVars, value, field, domain)
          : replaceOne(templateSrv, scopedVars, value, field.filter, field.label, domain);
    }
  }
  if (query.scopeId) {
    const scope = query.scope ?? 'all';
    out.scopeId = replaceOne(templateSrv, scopedVars, query.scopeId, `${scope} id`, `the ${scope} id`);
  }
  return withoutAnyValues(out as unknown as EmnifyQuery);
}
