/**
 * The simulated organisation: countries and operators (real MCCs, dialling codes, ISO codes, plausible
 * TAP codes and MNCs), a fleet of devices with SIMs and IMSIs, and the Portal users. Built once from the seed.
 */
import { Rng } from './random';

export interface Country {
  id: number;
  name: string;
  countryCode: string;
  mcc: string;
  iso: string;
}

export interface Operator {
  id: number;
  name: string;
  country: Country;
  mnc: string[];
  tapcodes: string[];
}

export interface Device {
  index: number;
  endpointId: number;
  name: string;
  tags: string;
  ip: string;
  imei: string;
  simId: number;
  iccid: string;
  imsiId: number;
  imsi: string;
  home: Country;
  productionDate: string;
  importDate: string;
}

export interface User {
  id: number;
  name: string;
  username: string;
}

/** The organisation (workspace) an application token sees: every event of a simulator belongs to it (§1.2). */
export interface Organisation {
  id: number;
  name: string;
}

/** The default organisation, as in the recorded traffic (§3, §5). */
export const ORGANISATION: Readonly<Organisation> = { id: 13886, name: 'Acme Fleet GmbH' };

const C = (id: number, name: string, countryCode: string, mcc: string, iso: string): Country => ({
  id,
  name,
  countryCode,
  mcc,
  iso,
});

export const COUNTRIES = {
  de: C(74, 'Germany', '49', '262', 'de'),
  gb: C(222, 'United Kingdom', '44', '234', 'gb'),
  fr: C(70, 'France', '33', '208', 'fr'),
  nl: C(150, 'Netherlands', '31', '204', 'nl'),
  es: C(195, 'Spain', '34', '214', 'es'),
  it: C(105, 'Italy', '39', '222', 'it'),
  at: C(14, 'Austria', '43', '232', 'at'),
  ch: C(204, 'Switzerland', '41', '228', 'ch'),
  pl: C(172, 'Poland', '48', '260', 'pl'),
  se: C(203, 'Sweden', '46', '240', 'se'),
  us: C(226, 'United States', '1', '310', 'us'),
  br: C(30, 'Brazil', '55', '724', 'br'),
} as const;

type Iso = keyof typeof COUNTRIES;

const O = (id: number, name: string, iso: Iso, mnc: string[], tapcodes: string[]): Operator => ({
  id,
  name,
  country: COUNTRIES[iso],
  mnc,
  tapcodes,
});

export const OPERATORS: readonly Operator[] = [
  O(2, 'Telekom', 'de', ['01'], ['DEUD1']),
  O(3, 'Vodafone', 'de', ['02'], ['DEUD2']),
  O(5, 'Telefonica O2', 'de', ['03', '07'], ['DEUE2', 'DEUE1']),
  O(21, 'EE', 'gb', ['30'], ['GBRME']),
  O(22, 'Vodafone UK', 'gb', ['15'], ['GBRVF']),
  O(23, 'O2 UK', 'gb', ['10'], ['GBRCN']),
  O(24, 'Three UK', 'gb', ['20'], ['GBRHU']),
  O(31, 'Orange France', 'fr', ['01'], ['FRAF1']),
  O(32, 'SFR', 'fr', ['10'], ['FRAF2']),
  O(33, 'Bouygues Telecom', 'fr', ['20'], ['FRAF3']),
  O(41, 'KPN', 'nl', ['08'], ['NLDPT']),
  O(42, 'Vodafone NL', 'nl', ['04'], ['NLDLT']),
  O(43, 'Odido', 'nl', ['20', '16'], ['NLDDT', 'NLDPN']),
  O(51, 'Movistar', 'es', ['07'], ['ESPTE']),
  O(52, 'Vodafone ES', 'es', ['01'], ['ESPAT']),
  O(53, 'Orange Spain', 'es', ['03'], ['ESPRT']),
  O(61, 'TIM', 'it', ['01'], ['ITASI']),
  O(62, 'Vodafone IT', 'it', ['10'], ['ITAOM']),
  O(63, 'WindTre', 'it', ['88'], ['ITAWI']),
  O(71, 'A1 Telekom Austria', 'at', ['01'], ['AUTPT']),
  O(72, 'Magenta Telekom', 'at', ['03'], ['AUTMM']),
  O(81, 'Swisscom', 'ch', ['01'], ['CHEC1']),
  O(82, 'Sunrise', 'ch', ['02'], ['CHEDX']),
  O(91, 'Plus', 'pl', ['01'], ['POLPL']),
  O(92, 'Orange Polska', 'pl', ['03'], ['POL03']),
  O(101, 'Telia', 'se', ['01'], ['SWETR']),
  O(102, 'Tele2', 'se', ['07'], ['SWEIQ']),
  O(111, 'AT&T', 'us', ['410'], ['USACG']),
  O(112, 'T-Mobile US', 'us', ['260'], ['USAW6']),
  O(121, 'Vivo', 'br', ['06'], ['BRAV1']),
  O(122, 'Claro', 'br', ['05'], ['BRACL']),
];

/** Where fleets live: home-country weights. */
const HOME_WEIGHTS: ReadonlyArray<readonly [Iso, number]> = [
  ['de', 50],
  ['nl', 10],
  ['fr', 10],
  ['gb', 10],
  ['es', 5],
  ['it', 5],
  ['at', 3],
  ['ch', 2],
  ['pl', 2],
  ['se', 2],
  ['us', 0.5],
  ['br', 0.5],
];

export const USERS: readonly User[] = [
  { id: 278906, name: 'Jane Ops', username: 'jane.ops@acme.example' },
  { id: 278907, name: 'Max Mustermann', username: 'max.mustermann@acme.example' },
  { id: 278911, name: 'Priya Patel', username: 'priya.patel@acme.example' },
  { id: 278930, name: 'Tom Baker', username: 'tom.baker@acme.example' },
];

const KINDS = [
  ['truck', 'fleet', 150],
  ['meter', 'metering', 100],
  ['tracker', 'assets', 50],
] as const;

export interface World {
  organisation: Readonly<Organisation>;
  devices: Device[];
  operators: readonly Operator[];
  /** Operators of a country (lower-case ISO), the country's main network first. */
  operatorsByCountry: Map<string, Operator[]>;
  /** Operators a device homed in a country roams onto (all others). */
  roamingOperators: Map<string, Operator[]>;
  users: readonly User[];
}

export function buildWorld(seed: number, organisation: Readonly<Organisation> = ORGANISATION): World {
  const rng = new Rng(seed ^ 0x5eed);
  const devices: Device[] = [];
  for (const [kind, tag, count] of KINDS) {
    for (let n = 1; n <= count; n++) {
      const index = devices.length;
      const home = COUNTRIES[rng.weighted(HOME_WEIGHTS)];
      const produced = Date.UTC(2021, 10, 18, 8, 25, 53) + rng.int(0, 400) * 86_400_000;
      devices.push({
        index,
        endpointId: 11380000 + index * 7 + 16,
        name: `${kind}-${String(n).padStart(4, '0')}`,
        tags: `${tag},${home.iso}`,
        ip: `10.191.${Math.floor(index / 200) + 216}.${(index % 200) + 20}`,
        imei: '35776208' + rng.digits(7),
        simId: 4397500 + index * 3 + 15,
        iccid: '8988303' + String(6734000 + index * 13).padStart(12, '0'),
        imsiId: 9624000 + index * 5 + 42,
        imsi: '29505090' + String(1896000 + index * 11).padStart(7, '0'),
        home,
        productionDate: new Date(produced).toISOString(),
        importDate: new Date(produced + rng.int(1, 30) * 86_400_000 + rng.int(0, 86_399) * 1000).toISOString(),
      });
    }
  }
  const operatorsByCountry = new Map<string, Operator[]>();
  for (const op of OPERATORS) {
    const list = operatorsByCountry.get(op.country.iso) ?? [];
    list.push(op);
    operatorsByCountry.set(op.country.iso, list);
  }
  const roamingOperators = new Map<string, Operator[]>();
  for (const iso of operatorsByCountry.keys()) {
    roamingOperators.set(
      iso,
      OPERATORS.filter((o) => o.country.iso !== iso)
    );
  }
  return { organisation, devices, operators: OPERATORS, operatorsByCountry, roamingOperators, users: USERS };
}

/** Luhn check digit of a digit string. */
export function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The ICCID with its Luhn check digit appended (what `iccid_with_luhn` filters on). */
export function iccidWithLuhn(iccid: string): string {
  return iccid + luhnDigit(iccid);
}
