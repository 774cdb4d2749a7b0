import { EventTypeNames, megabytesToBytes, normalizeEvent } from './normalize';
import { RawEvent } from './model';

const deletePdp: RawEvent = {
  id: 351732698832897,
  timestamp: '2025-03-14T09:41:07.000Z',
  alert: false,
  description: 'PDP Context deleted.',
  event_type: { id: 5, description: 'Delete PDP Context' },
  event_source: { id: 0, description: 'Network' },
  event_severity: { id: 0, description: 'Info' },
  organisation: { id: 13886, name: 'Acme Fleet GmbH' },
  endpoint: {
    id: 11380016,
    name: 'truck-0042',
    ip_address: '10.191.216.68',
    tags: 'fleet,de',
    imei: '3577620833012201',
  },
  sim: { id: 4397515, iccid: '8988303000006734768', production_date: '2021-11-18T08:25:53.000Z' },
  imsi: { id: 9624042, imsi: '295050901896257', import_date: '2021-11-18T08:25:53.000Z' },
  detail: {
    id: 2,
    name: 'Telekom',
    country: { id: 74, name: 'Germany', country_code: '49', mcc: '262', iso_code: 'de' },
    session_id: '5b0e7c2a-9d41-4f7e-a3c9-2e8f1d6b7a10',
    volume: { total: 0.641984, rx: 0.418811, tx: 0.223173 },
    pdp_context: { rat_type: 6, apn: null, mnc: '01', ue_ip_address: '10.191.216.68' },
  },
};

describe('normalizeEvent', () => {
  it('normalises the documented Delete PDP Context example (emnify-api.md §5 C)', () => {
    const e = normalizeEvent(deletePdp);
    expect(e).toMatchObject({
      id: 351732698832897,
      time: Date.UTC(2025, 2, 14, 9, 41, 7),
      timestamp: '2025-03-14T09:41:07.000Z',
      alert: false,
      typeId: 5,
      typeDescription: 'Delete PDP Context',
      sourceId: 0,
      sourceName: 'Network',
      severityId: 0,
      severityName: 'INFO',
      organisation: { id: 13886, name: 'Acme Fleet GmbH' },
      endpoint: {
        id: 11380016,
        name: 'truck-0042',
        ipAddress: '10.191.216.68',
        tags: 'fleet,de',
        imei: '3577620833012201',
      },
      sim: { id: 4397515, iccid: '8988303000006734768' },
      imsi: { id: 9624042, imsi: '295050901896257' },
      network: {
        operatorId: 2,
        operatorName: 'Telekom',
        countryName: 'Germany',
        countryIso: 'DE',
        mcc: '262',
        mnc: ['01'],
        tapcodes: [],
      },
      pdp: {
        ratType: 6,
        apn: undefined,
        sessionId: '5b0e7c2a-9d41-4f7e-a3c9-2e8f1d6b7a10',
        ueIpAddress: '10.191.216.68',
      },
      volume: { total: 641984, rx: 418811, tx: 223173 },
    });
    expect(e.user).toBeUndefined();
    expect(e.raw).toBe(deletePdp);
  });

  it('resolves the documented drift: alert 1, event_source.name, upper-case severity, other timestamp formats', () => {
    const e = normalizeEvent({
      id: 1,
      timestamp: '2017-10-26T07:28:00.000+0000',
      alert: 1,
      event_type: { id: 12, description: 'Organisation blocked' },
      event_source: { id: 1, name: 'Policy Control' },
      event_severity: { id: 1, description: 'WARN' },
      user: null,
      endpoint: null,
      sim: null,
      imsi: null,
      detail: null,
    });
    expect(e).toMatchObject({
      alert: true,
      sourceName: 'Policy Control',
      severityName: 'WARN',
      time: Date.UTC(2017, 9, 26, 7, 28),
    });
    expect(e.network).toBeUndefined();
    expect(e.endpoint).toBeUndefined();
    expect(normalizeEvent({ ...deletePdp, timestamp: '2021-10-06 10:42:58' }).time).toBe(
      Date.UTC(2021, 9, 6, 10, 42, 58)
    );
    expect(normalizeEvent({ ...deletePdp, timestamp: '2021-10-27T15:17:23Z' }).time).toBe(
      Date.UTC(2021, 9, 27, 15, 17, 23)
    );
    expect(normalizeEvent({ ...deletePdp, timestamp: '5/8/2017 10:56:25 AM' }).time).toBe(
      Date.UTC(2017, 4, 8, 10, 56, 25)
    );
    expect(normalizeEvent({ ...deletePdp, timestamp: '5/8/2017 12:05:00 PM' }).time).toBe(
      Date.UTC(2017, 4, 8, 12, 5, 0)
    );
    expect(normalizeEvent({ ...deletePdp, timestamp: '2021-10-27T13:17:23+02:00' }).time).toBe(
      Date.UTC(2021, 9, 27, 11, 17, 23)
    );
  });

  it('keeps the text of unknown severities and sources, and empty strings for missing ones', () => {
    const e = normalizeEvent({
      id: 2,
      timestamp: '2025-01-01T00:00:00Z',
      event_type: { id: 99 },
      event_severity: { id: 7, description: 'Fatal' },
    });
    expect(e).toMatchObject({
      severityName: 'FATAL',
      sourceName: '',
      sourceId: -1,
      typeDescription: '',
      description: '',
    });
  });

  it('keeps 64-bit ids above 2^32 intact', () => {
    expect(normalizeEvent({ ...deletePdp, id: 2 ** 40 + 3 }).id).toBe(1099511627779);
  });
  // Items refused at the boundary (ids, timestamps, types, label lengths): normalize.hostile.test.ts.
});

describe('megabytesToBytes', () => {
  it.each([
    [0.641984, 641984],
    [0.418811, 418811],
    ['1.000000', 1000000],
    ['12.5', 12500000],
    [3, 3000000],
    ['0.0000015', 2],
    [undefined, 0],
    ['', 0],
    ['n/a', 0],
  ])('%p MB = %p bytes exactly', (mb, bytes) => {
    expect(megabytesToBytes(mb as never)).toBe(bytes);
  });
});

describe('EventTypeNames', () => {
  it('uses the lookup spelling for a known id and the event spelling for an unknown one', () => {
    const names = new EventTypeNames([
      { id: 1, description: 'Update Location' },
      { id: 18, description: 'Threshold reached' },
    ]);
    expect(names.nameOf(1, 'Update location')).toBe('Update Location');
    expect(names.nameOf(18, 'Quota threshold reached')).toBe('Threshold reached');
    expect(names.nameOf(77, 'Brand new type')).toBe('Brand new type');
    expect(names.size).toBe(2);
  });
});
