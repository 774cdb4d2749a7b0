/**
 * Matching of `q` criteria against event records, with our semantics where the reference is silent (see
 * README, "q semantics"): description/organisation/user are case-insensitive "contains" (organisation and
 * user also match their numeric id); endpoint, network and country match the name exactly, ignoring
 * case; tags matches one tag of the endpoint's comma-separated tags; from and until are inclusive, until
 * to the end of its second. Pure; the grammar is qGrammar.ts's.
 */
import { Criterion, parseCriteria } from './qGrammar';
import type { EventRecord } from './record';
import { descriptionOf } from './shapes';
import { iccidWithLuhn } from './world';

export type Predicate = (r: EventRecord) => boolean;

export interface ParsedQ {
  /** Undefined when `q` is absent or empty: every event matches. */
  predicate: Predicate | undefined;
  filtered: boolean;
}

const DAY_MS = 86_400_000;

function lower(s: string): string {
  return s.toLowerCase();
}

/** The predicate of one criterion. */
export function matcherOf(c: Criterion): Predicate {
  switch (c.field) {
    case 'range': {
      const { from } = c;
      const until = c.until + 999;
      return (r) => r.time >= from && r.time <= until;
    }
    case 'timestamp':
      return (r) => r.time >= c.day && r.time < c.day + DAY_MS;
    case 'type':
      return (r) => c.ids.has(r.type.id);
    case 'rat':
      return (r) => r.rat !== 0 && c.ids.has(r.rat);
    case 'source':
      return (r) => r.source === c.id;
    case 'severity':
      return (r) => r.severity === c.id;
    case 'alert':
      return (r) => r.alert === c.value;
    case 'description': {
      const v = lower(c.text);
      return (r) => lower(descriptionOf(r)).includes(v);
    }
    case 'organisation': {
      // Every event of a simulator belongs to its one organisation.
      const v = lower(c.text);
      return (r) => lower(r.organisation.name).includes(v) || String(r.organisation.id) === c.text;
    }
    case 'user': {
      const v = lower(c.text);
      return (r) =>
        !!r.user &&
        (lower(r.user.name).includes(v) || lower(r.user.username).includes(v) || String(r.user.id) === c.text);
    }
    case 'tags': {
      const v = lower(c.text);
      return (r) => !!r.device && r.device.tags.split(',').some((t) => lower(t) === v);
    }
    case 'endpoint': {
      const names = new Set(c.names.map(lower));
      return (r) => !!r.device && names.has(lower(r.device.name));
    }
    case 'network': {
      const names = new Set(c.names.map(lower));
      return (r) => !!r.operator && names.has(lower(r.operator.name));
    }
    case 'country': {
      const names = new Set(c.names.map(lower));
      return (r) => !!r.operator && names.has(lower(r.operator.country.name));
    }
    case 'ip_address':
      return (r) => !!r.device && r.device.ip === c.ip;
    case 'imei':
    case 'imsi': {
      const field = c.field;
      return (r) => !!r.device && r.device[field] === c.digits;
    }
    case 'iccid':
    case 'iccid_with_luhn': {
      const withLuhn = c.field === 'iccid_with_luhn';
      // Exact when longer than 19 characters, otherwise a prefix (§2.5).
      return (r) => {
        if (!r.device) {
          return false;
        }
        const iccid = withLuhn ? iccidWithLuhn(r.device.iccid) : r.device.iccid;
        return c.prefixes.some((v) => (v.length > 19 ? iccid === v : iccid.startsWith(v)));
      };
    }
  }
}

/** Parses `q` into one predicate: all criteria must hold. Throws the API's 422 for a bad criterion. */
export function parseQ(q: string | undefined): ParsedQ {
  const criteria = parseCriteria(q);
  if (criteria === undefined) {
    return { predicate: undefined, filtered: false };
  }
  const all = criteria.map(matcherOf);
  return { predicate: all.length === 1 ? all[0] : (r) => all.every((p) => p(r)), filtered: true };
}
