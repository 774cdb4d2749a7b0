/** Event generation and materialisation, pinned to emnify-api.md §3, §4 and §5. Pure: no server. */
import type { RawEvent } from '@emnify-events/client';
import { EVENT_TYPES, EVENT_TYPE_BY_ID, EVENT_TYPE_CATALOGUE, GENERATED_TYPES } from './catalogue';
import { drawEvent } from './draw';
import { driftKind, formatTimestamp, materialise } from './materialise';
import type { EventRecord } from './record';
import { Rng } from './random';
import { CATEGORY_SHAPES, shapeOf } from './shapes';
import { PDP_REJECTIONS, mb } from './shapes/pdp';
import { COUNTRIES, OPERATORS, buildWorld, luhnDigit } from './world';

const world = buildWorld(1);
const T0 = Date.UTC(2025, 2, 14, 9, 0, 0);

function draw(n: number, seed = 1): EventRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => ({ ...drawEvent(rng, world, i, T0 + i * 1000), id: 351732524384257 + i }));
}

const sample = draw(40_000);
const served = (r: EventRecord, drift = false) => materialise(r, 1, drift);
const firstOf = (pred: (r: EventRecord) => boolean) => {
  const found = sample.find(pred);
  if (!found) {
    throw new Error('no such event in the sample');
  }
  return served(found);
};

describe('catalogue (§4)', () => {
  it('has ids 0-67 without 66, with the lookup spellings of §3.4', () => {
    expect(EVENT_TYPE_CATALOGUE.map((t) => t.id)).toEqual([...Array(66).keys(), 67]);
    const lookup = new Map(EVENT_TYPE_CATALOGUE.map((t) => [t.id, t.description]));
    expect(lookup.get(1)).toBe('Update Location');
    expect(lookup.get(2)).toBe('Update GPRS Location');
    expect(lookup.get(18)).toBe('Threshold reached');
    expect(lookup.get(13)).toBe('Support');
    expect(lookup.get(3)).toBe('Create PDP Context');
    const names = new Map(EVENT_TYPES.map((t) => [t.id, t.name]));
    expect(names.get(1)).toBe('Update location');
    expect(names.get(18)).toBe('Quota threshold reached');
  });

  it('generates every category the brief names, and nothing lookup-only', () => {
    const generated = new Set(GENERATED_TYPES.map(([t]) => t.id));
    for (const id of [
      0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
      33, 34, 38, 39, 42, 43, 44, 45, 48, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 65, 67,
    ]) {
      expect(generated.has(id)).toBe(true);
    }
    for (const id of [4, 17, 35, 47, 62, 63, 64]) {
      expect(generated.has(id)).toBe(false);
    }
  });
});

describe('shapes: one module per category', () => {
  it('holds each type in the module of its catalogue category, once', () => {
    const seen: number[] = [];
    for (const { category, types } of CATEGORY_SHAPES) {
      for (const id of Object.keys(types).map(Number)) {
        expect([id, EVENT_TYPE_BY_ID.get(id)?.category]).toEqual([id, category]);
        seen.push(id);
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(CATEGORY_SHAPES.map((c) => c.category)).size).toBe(CATEGORY_SHAPES.length);
  });

  it('gives every generated type its own description', () => {
    const without = GENERATED_TYPES.filter(([t]) => !shapeOf(t).description).map(([t]) => t.id);
    expect(without).toEqual([]);
  });
});

describe('world', () => {
  it('has 12 countries and 31 operators with real MCCs, lower-case ISO codes and Germany as §3.2 describes', () => {
    expect(Object.keys(COUNTRIES)).toHaveLength(12);
    expect(OPERATORS).toHaveLength(31);
    expect(COUNTRIES.de).toEqual({ id: 74, name: 'Germany', countryCode: '49', mcc: '262', iso: 'de' });
    expect(OPERATORS.find((o) => o.id === 2)).toMatchObject({ name: 'Telekom', mnc: ['01'], tapcodes: ['DEUD1'] });
    expect(OPERATORS.find((o) => o.id === 3)?.name).toBe('Vodafone');
    expect(OPERATORS.find((o) => o.id === 5)?.name).toBe('Telefonica O2');
    expect(OPERATORS.filter((o) => o.mnc.length === 2 && o.tapcodes.length === 2).length).toBeGreaterThanOrEqual(2);
    expect(new Set(OPERATORS.map((o) => o.id)).size).toBe(31);
  });

  it('builds 300 devices deterministically with 19-digit ICCIDs, 15-digit IMSIs and IMEIs', () => {
    const again = buildWorld(1);
    expect(again.devices).toEqual(world.devices);
    expect(world.devices).toHaveLength(300);
    expect(new Set(world.devices.map((d) => d.name)).size).toBe(300);
    for (const d of world.devices) {
      expect(d.iccid).toMatch(/^8988303\d{12}$/);
      expect(d.imsi).toMatch(/^295050\d{9}$/);
      expect(d.imei).toMatch(/^\d{15}$/);
      expect(d.ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(d.tags).toMatch(/^(fleet|metering|assets),[a-z]{2}$/);
    }
    expect(world.devices[0].name).toBe('truck-0001');
    expect(world.devices.filter((d) => d.home.iso === 'de').length).toBeGreaterThan(100);
    expect(buildWorld(2).devices.map((d) => d.imei)).not.toEqual(world.devices.map((d) => d.imei));
  });

  it('computes Luhn check digits', () => {
    expect(luhnDigit('7992739871')).toBe('3');
    expect(luhnDigit('8988303000006734768')).toMatch(/^\d$/);
  });
});

describe('drawEvent: proportions and labels', () => {
  it('is deterministic for a seed', () => {
    expect(draw(500)).toEqual(draw(500));
    expect(draw(500, 2).map((r) => r.type.id)).not.toEqual(draw(500).map((r) => r.type.id));
  });

  it('makes network attachment about 85 % of events', () => {
    const network = sample.filter((r) => [1, 2, 3, 5, 15, 16].includes(r.type.id)).length / sample.length;
    expect(network).toBeGreaterThan(0.83);
    expect(network).toBeLessThan(0.9);
  });

  it('uses the §4 source/severity/alert of each type, Critical only for blocked and used-up', () => {
    const off = sample.filter(
      (r) =>
        !r.rejected &&
        !r.automatic &&
        (r.source !== r.type.source ||
          r.alert !== r.type.alert ||
          (r.severity === 2 ? ![11, 12, 19].includes(r.type.id) : r.severity !== r.type.severity))
    );
    expect(off).toEqual([]);
    const critical = sample.filter((r) => r.severity === 2).length;
    expect(critical).toBeGreaterThan(0);
    expect(critical / sample.length).toBeLessThan(0.01);
  });

  it('rejects about 3 % of Create PDP Context as Policy Control / Warn / alert with no detail (§3.2)', () => {
    const creates = sample.filter((r) => r.type.id === 3);
    const rejected = creates.filter((r) => r.rejected);
    expect(rejected.length / creates.length).toBeGreaterThan(0.015);
    expect(rejected.length / creates.length).toBeLessThan(0.05);
    for (const r of rejected) {
      const e = served(r);
      expect(e).toMatchObject({
        alert: true,
        event_source: { id: 1, description: 'Policy Control' },
        event_severity: { id: 1, description: 'Warn' },
      });
      expect(PDP_REJECTIONS).toContain(e.description);
      expect('detail' in e).toBe(false);
    }
  });

  it('mostly attaches devices at home, some roam', () => {
    const attached = sample.filter((r) => r.operator && r.device);
    const roaming = attached.filter((r) => r.operator!.country.iso !== r.device!.home.iso).length / attached.length;
    expect(roaming).toBeGreaterThan(0.08);
    expect(roaming).toBeLessThan(0.16);
  });

  it('has user details on user events always, on actions unless done with an application token (§3.1)', () => {
    for (const r of sample.filter((x) => x.type.user === 'always')) {
      expect(r.user).toBeDefined();
    }
    const actions = sample.filter((x) => x.type.user === 'action');
    const byToken = actions.filter((x) => !x.user).length / actions.length;
    expect(byToken).toBeGreaterThan(0.15);
    expect(byToken).toBeLessThan(0.35);
    for (const r of sample.filter((x) => x.type.user === undefined)) {
      expect(r.user).toBeUndefined();
    }
  });
});

describe('materialise: shapes (§3, §5)', () => {
  it('Update location as example A', () => {
    const e = firstOf((r) => r.type.id === 1 && r.operator?.id === 2);
    expect(Object.keys(e)).toEqual([
      'id',
      'timestamp',
      'alert',
      'description',
      'event_type',
      'event_source',
      'event_severity',
      'organisation',
      'endpoint',
      'sim',
      'imsi',
      'detail',
    ]);
    expect(e.event_type).toEqual({ id: 1, description: 'Update location' });
    expect(e.event_source).toEqual({ id: 0, description: 'Network' });
    expect(e.event_severity).toEqual({ id: 0, description: 'Info' });
    expect(e.organisation).toEqual({ id: 13886, name: 'Acme Fleet GmbH' });
    expect(e.description).toMatch(
      /^New location received from VLR for IMSI='295050\d{9}', now attached to VLR='4917\d{7}'\.$/
    );
    expect(e.detail).toEqual({
      id: 2,
      name: 'Telekom',
      country: { id: 74, name: 'Germany', country_code: '49', mcc: '262', iso_code: 'de' },
      tapcode: [{ id: 20, tapcode: 'DEUD1' }],
      mnc: [{ id: 20, mnc: '01' }],
    });
    expect(e.timestamp).toBe(new Date(sample.find((r) => r.id === e.id)!.time).toISOString());
  });

  it('Create PDP Context as example B: LTE with GTPv2 or 2G with GTPv1, tariff fields as strings', () => {
    const lte = firstOf((r) => r.type.id === 3 && r.rat === 6);
    expect(Object.keys(lte.detail!)).toEqual(['id', 'name', 'country', 'session_id', 'pdp_context']);
    expect(lte.detail!.session_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const pdp = lte.detail!.pdp_context!;
    expect(pdp).toMatchObject({
      gtp_version: 2,
      rat_type: 6,
      apn: 'em',
      nsapi: 5,
      lac: null,
      ci: null,
      sac: null,
      rac: null,
      tariff_id: '555',
    });
    expect(pdp.operator_id).toBe(String(lte.detail!.id));
    expect(pdp.ue_ip_address).toBe(lte.endpoint!.ip_address);
    expect(pdp.imsi).toBe(lte.imsi!.imsi);
    expect(lte.description).toBe(
      `New PDP Context successfully activated with SGSN CP=${pdp.sgsn_control_plane_ip_address}, DP=${pdp.sgsn_data_plane_ip_address}.`
    );
    const gsm = firstOf((r) => r.type.id === 3 && r.rat === 2);
    expect(gsm.detail!.pdp_context).toMatchObject({ gtp_version: 1, rat_type: 2 });
    expect(typeof gsm.detail!.pdp_context!.lac).toBe('number');
  });

  it('Delete PDP Context as example C: volume in MB with up to 6 decimals, no tariff fields', () => {
    const rec = sample.find((r) => r.type.id === 5 && r.rxBytes > 0)!;
    const e = served(rec);
    expect(Object.keys(e.detail!)).toEqual(['id', 'name', 'country', 'session_id', 'volume', 'pdp_context']);
    expect(e.detail!.volume).toEqual({
      total: mb(rec.rxBytes + rec.txBytes),
      rx: mb(rec.rxBytes),
      tx: mb(rec.txBytes),
    });
    expect(Math.round((e.detail!.volume!.rx as number) * 1e6)).toBe(rec.rxBytes);
    expect(String(e.detail!.volume!.total)).toMatch(/^\d+(\.\d{1,6})?$/);
    expect(e.detail!.pdp_context!.tariff_id).toBeUndefined();
    expect(e.detail!.pdp_context!.operator_id).toBeUndefined();
    expect(e.description).toBe('PDP Context deleted.');
  });

  it('Purge location as example D: no detail', () => {
    const e = firstOf((r) => r.type.id === 15);
    expect('detail' in e).toBe(false);
    expect(e.description).toBe(`VLR location information has been purged for IMSI='${e.imsi!.imsi}'.`);
  });

  it('quota events as example E and §3.3', () => {
    expect(firstOf((r) => r.type.id === 18).detail).toEqual({
      quota: { threshold_percentage: 20, threshold_volume: 10, volume: expect.any(Number) },
    });
    expect(firstOf((r) => r.type.id === 20).detail).toEqual({
      quota: {
        threshold_percentage: 20,
        threshold_volume: 10,
        volume: '2.000000',
        traffic_type: { id: 6, description: 'SMS' },
      },
    });
    const assigned = firstOf((r) => r.type.id === 56).detail!.quota!;
    expect(Object.keys(assigned)).toEqual([
      'status',
      'action_on_exhaustion',
      'volume',
      'expiryDate',
      'lastVolumeAdded',
      'lastStatusChangeDate',
      'autoRefill',
      'thresholdPercentage',
      'thresholdVolume',
    ]);
  });

  it('user actions carry the user; application-token actions and network events carry none (§3.1, example F/G)', () => {
    const byUser = firstOf((r) => r.type.id === 8 && !!r.user);
    expect(byUser.user).toEqual({
      id: expect.any(Number),
      name: expect.any(String),
      username: expect.stringMatching(/@acme\.example$/),
    });
    expect(byUser.event_source).toEqual({ id: 2, description: 'API' });
    expect('user' in firstOf((r) => r.type.id === 8 && !r.user && !r.automatic)).toBe(false);
    const auto = firstOf((r) => r.type.id === 8 && r.automatic);
    expect(auto.event_source).toEqual({ id: 1, description: 'Policy Control' });
    expect(auto.detail).toEqual({
      transition: {
        sim: { status: { from: { id: 4, description: 'FACTORY TEST' }, to: { id: 1, description: 'ACTIVATED' } } },
        reason: 'Factory test volume used',
      },
    });
    const failed = firstOf((r) => r.type.id === 6);
    expect(failed.description).toMatch(
      /^Failed authentication request from '[a-z.]+@acme\.example', Reason: Invalid password from IP 176\.11\.24\.\d+$/
    );
    expect('endpoint' in failed).toBe(false);
    expect('user' in firstOf((r) => r.type.id === 1)).toBe(false);
  });

  it('Organisation blocked carries explicit nulls (§3.1) and, with drift, event_source.name and alert 1 (§3.4)', () => {
    const rec = {
      ...drawEvent(
        new Rng(3),
        world,
        7,
        T0,
        EVENT_TYPES.find((t) => t.id === 12)
      ),
      id: 1,
    };
    const plain = served(rec);
    expect(plain).toMatchObject({
      user: null,
      endpoint: null,
      sim: null,
      imsi: null,
      detail: null,
      alert: true,
      event_severity: { id: 2, description: 'Critical' },
    });
    const drifted = served(rec, true);
    expect(drifted.event_source).toEqual({ id: 1, name: 'Policy Control' });
    expect(drifted.alert).toBe(1);
    expect(drifted.event_severity).toEqual({ id: 2, description: 'CRITICAL' });
  });

  it('is deterministic: the same record always gives the same JSON', () => {
    for (const r of sample.slice(0, 200)) {
      expect(JSON.stringify(materialise(r, 1, true))).toBe(JSON.stringify(materialise(r, 1, true)));
    }
  });
});

describe('drift (§3.4)', () => {
  it('formats timestamps in the documented variants', () => {
    const t = Date.UTC(2021, 9, 27, 15, 17, 23, 298);
    expect(formatTimestamp(t, 0)).toBe('2021-10-27T15:17:23.298Z');
    expect(formatTimestamp(t, 1)).toBe('2021-10-27T15:17:23.298+0000');
    expect(formatTimestamp(t, 2)).toBe('2021-10-27T15:17:23Z');
    expect(formatTimestamp(t, 3)).toBe('2021-10-27 15:17:23');
  });

  it('touches about one event in ten, each kind about equally, and never with drift off', () => {
    const kinds = sample.map((r) => driftKind(1, r.seq));
    const drifted = kinds.filter((k) => k > 0).length / kinds.length;
    expect(drifted).toBeGreaterThan(0.08);
    expect(drifted).toBeLessThan(0.12);
    for (let k = 1; k <= 5; k++) {
      expect(kinds.filter((x) => x === k).length).toBeGreaterThan(kinds.length * 0.01);
    }
    const all: RawEvent[] = sample.slice(0, 3000).map((r) => served(r, false));
    expect(all.every((e) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(e.timestamp))).toBe(true);
    expect(all.every((e) => typeof e.alert === 'boolean' && e.event_source?.description !== undefined)).toBe(true);
    expect(all.every((e) => ['Info', 'Warn', 'Critical'].includes(e.event_severity!.description!))).toBe(true);
  });

  it('changes the format only, never the values', () => {
    const differing = sample.slice(0, 3000).filter((r) => {
      const [a, b] = [served(r, false), served(r, true)];
      const t = b.timestamp.includes('T') ? b.timestamp.replace('+0000', 'Z') : b.timestamp.replace(' ', 'T') + 'Z';
      return (
        b.id !== a.id ||
        Boolean(b.alert) !== a.alert ||
        b.event_source!.id !== a.event_source!.id ||
        (b.event_source!.description ?? b.event_source!.name) !== a.event_source!.description ||
        b.event_severity!.description!.toUpperCase() !== a.event_severity!.description!.toUpperCase() ||
        JSON.stringify(b.detail) !== JSON.stringify(a.detail) ||
        Math.floor(Date.parse(t) / 1000) !== Math.floor(r.time / 1000)
      );
    });
    expect(differing).toEqual([]);
  });
});
