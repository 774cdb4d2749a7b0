/**
 * The variables of the emnify event explorer (dashboards/emnify-event-explorer.json) that other
 * dashboards link to with `var-<name>=<value>` and the same time range. The explorer provides each of
 * them and accepts the values the exporter's labels hold (a value copied from the overview selects the
 * same events in the explorer). README.md, "Drill-down to the event explorer", lists the same.
 *
 * And a model of following such a link, independent of the plugin's code: the URL's values become the
 * explorer's variables as Grafana sets them from a URL, and an explorer target's `$variables` take them.
 */
import { EVENT_SEVERITY_NAMES, EVENT_SOURCE_NAMES } from '@emnify-events/client';

export const EXPLORER_LINK_VARIABLES: Record<string, { value: string; explorerHasIt: boolean }> = {
  type: {
    value:
      'the exporter\'s event_type label, the type lookup\'s spelling ("Update Location"); repeated for several types, so multi-select',
    explorerHasIt: true,
  },
  severity: { value: 'the exporter\'s event_severity label ("CRITICAL")', explorerHasIt: true },
  source: { value: 'the exporter\'s event_source label ("Policy Control")', explorerHasIt: true },
  country: { value: 'the exporter\'s country label, ISO 3166-1 alpha-2 ("DE")', explorerHasIt: true },
  operator: { value: 'the exporter\'s operator label, the operator\'s name ("Telekom")', explorerHasIt: true },
};

/**
 * A link template with the clicked series' labels filled in, as Grafana fills `${__field.labels.x}`,
 * `${__data.fields.x}` (with `:percentencode` or not) and `${name:queryparam}` (`var-name=value`).
 */
export function followLink(
  template: string,
  labels: Record<string, string>,
  variables: Record<string, string>
): string {
  return template
    .replace(/\$\{__(?:field\.labels|data\.fields)\.(\w+)(?::percentencode)?\}/g, (_m, l: string) =>
      encodeURIComponent(labels[l] ?? '')
    )
    .replace(/\$\{(\w+):queryparam\}/g, (_m, v: string) => `var-${v}=${encodeURIComponent(variables[v] ?? '')}`);
}

/** The `var-` parameters of a followed link: name → values (a name repeated for several values). */
export function linkValues(url: string): Record<string, string[]> {
  const params = new URLSearchParams(url.split('?')[1] ?? '');
  const out: Record<string, string[]> = {};
  for (const [key, value] of params) {
    if (key.startsWith('var-')) {
      (out[key.slice(4)] ??= []).push(value);
    }
  }
  return out;
}

/**
 * The explorer's variable values after opening a link: multi-select variables (type, country, operator)
 * take the URL's values as they are; single-select ones whose options are ids (severity, source) select
 * the option whose text the URL names (scenes MultiValueVariable validateAndUpdate matches an option by
 * value, then by text). Variables the URL does not set stay on "All" (`*`), text boxes empty.
 */
export function explorerVariables(values: Record<string, string[]>): Record<string, string> {
  const byText = (names: Record<number, string>, text: string) =>
    Object.entries(names).find(([, name]) => name === text)?.[0] ?? text;
  const out: Record<string, string> = { type: '*', severity: '*', source: '*', country: '*', operator: '*' };
  out.endpoint = '';
  out.iccid = '';
  for (const [name, list] of Object.entries(values)) {
    if (name === 'severity') {
      out.severity = byText(EVENT_SEVERITY_NAMES, list[0]);
    } else if (name === 'source') {
      out.source = byText(EVENT_SOURCE_NAMES, list[0]);
    } else {
      out[name] = list.join('|');
    }
  }
  return out;
}

/** An explorer target with its `$variables` replaced by `values` (a multi-value one as `a|b`; in a list, one entry each). */
export function withVariables<T>(target: T, values: Record<string, string>): T {
  const replaced = JSON.parse(
    JSON.stringify(target).replace(/"\$(\w+)"/g, (m, name: string) =>
      name in values ? JSON.stringify(values[name]) : m
    )
  ) as Record<string, unknown>;
  for (const [key, value] of Object.entries(replaced)) {
    if (Array.isArray(value)) {
      replaced[key] = value.flatMap((v) => (typeof v === 'string' ? v.split('|') : [v]));
    }
  }
  return replaced as T;
}
