import { COUNTRIES } from '@emnify-events/simulator';
import { COUNTRY_TABLE, countryFilterValue, countryIso, countryLabel, countryName } from './countries';

describe('the country table', () => {
  it('holds each assigned ISO 3166-1 alpha-2 code once, upper case, with a name the API filter can take', () => {
    expect(COUNTRY_TABLE.length).toBe(250);
    expect(new Set(COUNTRY_TABLE.map(([iso]) => iso)).size).toBe(250);
    expect(new Set(COUNTRY_TABLE.map(([, name]) => name.toLowerCase())).size).toBe(250);
    for (const [iso, name] of COUNTRY_TABLE) {
      expect(iso).toMatch(/^[A-Z]{2}$/);
      // `,` separates q criteria and `|` values: neither can be sent in a name.
      expect(name).not.toMatch(/[,|]/);
    }
  });

  it('reads literal codes and names', () => {
    const literal = [
      ['DE', 'Germany'],
      ['GB', 'United Kingdom'],
      ['US', 'United States'],
      ['NL', 'Netherlands'],
      ['CI', "Côte d'Ivoire"],
      ['CD', 'Democratic Republic of the Congo'],
      ['XK', 'Kosovo'],
    ];
    expect(literal.map(([iso]) => [iso, countryName(iso)])).toEqual(literal);
  });

  it('accepts a code, a name, the shown form and common other names, in any case', () => {
    const read = (texts: string[]) => texts.map((t) => countryIso(t));
    expect(read(['DE', 'de', ' dE ', 'Germany', 'GERMANY', 'DE (Germany)', 'de(germany)'])).toEqual(
      Array(7).fill('DE')
    );
    expect(read(['united  kingdom', 'UK', 'Great Britain', 'gb'])).toEqual(Array(4).fill('GB'));
    expect(read(['USA', 'United States of America', 'united states'])).toEqual(Array(3).fill('US'));
    expect(read(['Cote d’Ivoire', "cote d'ivoire", 'Ivory Coast'])).toEqual(['CI', 'CI', 'CI']);
    expect(read(['Türkiye', 'Turkey', 'Czechia', 'Viet Nam', 'Korea, Republic of'])).toEqual([
      'TR',
      'TR',
      'CZ',
      'VN',
      'KR',
    ]);
    expect(read(['', 'D', 'XX', 'Germny', 'ZZ (Germany)', 'EU'])).toEqual(Array(6).fill(undefined));
  });

  it('gives the API filter the name, and a clear error for an unknown country', () => {
    expect(['de', 'Germany', 'DE (Germany)', 'uk'].map(countryFilterValue)).toEqual([
      'Germany',
      'Germany',
      'Germany',
      'United Kingdom',
    ]);
    expect(() => countryFilterValue(' Germny ')).toThrow(
      'Invalid filter "country": "Germny" is not a country: give its ISO 3166-1 alpha-2 code (e.g. DE) or its English name (e.g. Germany)'
    );
    expect(() => countryFilterValue('XX')).toThrow('"XX" is not a country');
  });

  it('shows a code with its name, and a code it lacks as it is', () => {
    expect([countryLabel('DE'), countryLabel('de'), countryLabel('QQ'), countryLabel('')]).toEqual([
      'DE (Germany)',
      'DE (Germany)',
      'QQ',
      '',
    ]);
  });

  it("maps every country of the simulator: its ISO code to the name the simulator's events carry", () => {
    const countries = Object.values(COUNTRIES);
    expect(countries.length).toBe(12);
    for (const c of countries) {
      expect({ iso: c.iso, name: countryName(c.iso) }).toEqual({ iso: c.iso, name: c.name });
      expect(countryIso(c.name)).toBe(c.iso.toUpperCase());
    }
  });
});
