/** The dashboards of dashboards/, read as Grafana would: panels, their queries, variables and links. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DASHBOARDS = resolve(__dirname, '../../dashboards');

export interface Target extends Record<string, unknown> {
  refId: string;
  expr?: string;
  datasource?: { uid: string; type?: string };
}

export interface Link {
  title: string;
  url: string;
  keepTime?: boolean;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
  links?: Link[];
  fieldConfig?: {
    defaults: { links?: Link[] } & Record<string, unknown>;
    overrides: Array<{ properties: Array<{ id: string; value: unknown }> }>;
  };
}

export interface Variable {
  name: string;
  type: string;
  query?: unknown;
  includeAll?: boolean;
  allValue?: string;
  current?: { value: unknown };
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  links?: Link[];
}

export const dashboards: Array<{ file: string; json: Dashboard }> = readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard }));

export function dashboard(uid: string): Dashboard {
  const found = dashboards.find((d) => d.json.uid === uid);
  if (!found) {
    throw new Error(`no dashboard with uid ${uid} in dashboards/`);
  }
  return found.json;
}

/** Every link of a panel: panel links, data links of its fields and of its field overrides. */
export function panelLinks(panel: Panel): Link[] {
  const fromOverrides = (panel.fieldConfig?.overrides ?? []).flatMap((o) =>
    o.properties.filter((p) => p.id === 'links').flatMap((p) => p.value as Link[])
  );
  return [...(panel.links ?? []), ...(panel.fieldConfig?.defaults.links ?? []), ...fromOverrides];
}

/** `var-<name>` parameters of a link URL, in order. */
export function linkVariables(url: string): string[] {
  return [...url.matchAll(/[?&]var-(\w+)=/g)].map((m) => m[1]);
}

/**
 * A panel's PromQL with Grafana's macros and the dashboard's variables replaced, as Grafana sends it to
 * Prometheus: `values` holds the variables' values (a regex, as for a multi-value variable with "All" as `.*`).
 */
export function interpolate(
  expr: string,
  macros: { range: string; rateInterval: string; interval: string },
  values: Record<string, string>
): string {
  let out = expr
    .replace(/\$__range\b/g, macros.range)
    .replace(/\$__rate_interval\b/g, macros.rateInterval)
    .replace(/\$__interval\b/g, macros.interval);
  for (const [name, value] of Object.entries(values)) {
    out = out.replace(new RegExp(`\\$\\{?${name}\\b\\}?`, 'g'), value);
  }
  const left = out.match(/\$\{?\w+/);
  if (left) {
    throw new Error(`variable ${left[0]} left in ${out}`);
  }
  return out;
}
