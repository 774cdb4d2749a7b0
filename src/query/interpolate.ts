/**
 * Template variables in every text field of a query; multi-value variables become `a|b|c`, the API's
 * multi-value separator. Never runs inside migration.
 */
import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import { EmnifyQuery } from '../types';

const TEXT_FIELDS = [
  'severity',
  'source',
  'alert',
  'network',
  'country',
  'rat',
  'description',
  'endpoint',
  'tags',
  'iccid',
  'imsi',
  'imei',
  'ipAddress',
  'organisation',
  'user',
  'scopeId',
] as const;

function pipeFormat(value: string | string[]): string {
  return Array.isArray(value) ? value.join('|') : value;
}

export function interpolateQuery(
  query: EmnifyQuery,
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars = {}
): EmnifyQuery {
  const out: EmnifyQuery = { ...query };
  for (const field of TEXT_FIELDS) {
    const value = query[field];
    if (typeof value === 'string' && value !== '') {
      out[field] = templateSrv.replace(value, scopedVars, pipeFormat);
    }
  }
  if (query.eventTypes) {
    out.eventTypes = query.eventTypes
      .flatMap((t) => templateSrv.replace(t, scopedVars, pipeFormat).split('|'))
      .filter((t) => t !== '');
  }
  return out;
}
