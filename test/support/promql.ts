/** Text operations on the shipped PromQL, for running one query in several topologies and engines. */
import type { Sample } from './engines';

/** The event counters: the series the HA pair of an organisation counts twice, once per exporter. */
const EVENT_COUNTERS = /\b(emnify_events_total|emnify_data_volume_bytes_total)\b(\{[^}]*\})?/g;

/**
 * The same query over one exporter's event counters only: the single-exporter case of an HA pair
 * (`instance="<address>"` added to every event counter selector).
 */
export function restrictToInstance(expr: string, instance: string): string {
  return expr.replace(EVENT_COUNTERS, (_all, name: string, matchers?: string) =>
    matchers ? `${name}{${matchers.slice(1, -1)}, instance="${instance}"}` : `${name}{instance="${instance}"}`
  );
}

export interface RecordingRule {
  record: string;
  expr: string;
}

/**
 * An expression with the recording rules it reads replaced by their own expressions, so that an engine
 * that did not record them (or recorded them at another speed) evaluates the same thing from the raw
 * series. A reference with matchers (`record{event_type="x"}`) pushes them down to the raw selectors of
 * the record's expression (valid for the shipped records: they keep every label they are filtered on).
 * References to records named in `keep` stay as they are (e.g. day baselines that need a day of data).
 */
export function expandRecords(expr: string, rules: RecordingRule[], keep: (record: string) => boolean): string {
  const byName = new Map(rules.map((r) => [r.record, r.expr]));
  const names = [...byName.keys()].filter((n) => !keep(n)).sort((a, b) => b.length - a.length);
  if (names.length === 0) {
    return expr;
  }
  const reference = new RegExp(`(?<![\\w:])(${names.map(escape).join('|')})(?![\\w:])(\\{[^}]*\\})?`, 'g');
  return expr.replace(reference, (_all, name: string, matchers?: string) => {
    let body = expandRecords(byName.get(name)!, rules, keep);
    if (matchers) {
      body = pushDownMatchers(body, matchers.slice(1, -1));
    }
    return `(${body.trim()})`;
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Adds matchers to every raw selector of emnify_* series in an expression. */
function pushDownMatchers(expr: string, matchers: string): string {
  return expr.replace(/\b(emnify_[a-z_]+)\b(\{[^}]*\})?(?!:)/g, (_all, name: string, existing?: string) =>
    existing ? `${name}{${existing.slice(1, -1)}, ${matchers}}` : `${name}{${matchers}}`
  );
}

/** A sample's labels as a stable key, without the metric name and without empty values. */
export function labelKey(metric: Record<string, string>): string {
  return JSON.stringify(
    Object.entries(metric)
      .filter(([k, v]) => k !== '__name__' && v !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  );
}

/** Query results as label key → value. */
export function byLabels(samples: Sample[]): Record<string, number> {
  return Object.fromEntries(samples.map((s) => [labelKey(s.metric), Number(s.value[1])]));
}
