import { apiUrlProblem, effectiveApiUrl, normaliseApiUrl } from './apiUrl';

describe('the API URL setting', () => {
  it('is stored trimmed and without trailing slashes', () => {
    expect(normaliseApiUrl('  https://cdn.emnify.net//  ')).toBe('https://cdn.emnify.net');
    expect(normaliseApiUrl('http://sim:8485/base/')).toBe('http://sim:8485/base');
    expect(normaliseApiUrl('   ')).toBe('');
  });

  it('means the default when unset or empty, as the routes’ template does', () => {
    expect(effectiveApiUrl(undefined)).toBe('https://cdn.emnify.net');
    expect(effectiveApiUrl('')).toBe('https://cdn.emnify.net');
    expect(effectiveApiUrl('http://sim:8485')).toBe('http://sim:8485');
    for (const ok of [
      undefined,
      null,
      '',
      'https://cdn.emnify.net',
      'http://simulator:8485',
      'http://127.0.0.1:1/base',
    ]) {
      expect(apiUrlProblem(ok)).toBeUndefined();
    }
  });

  const fix =
    "Open the data source settings (or its provisioning file) and set the API URL to the emnify API's base URL, e.g. https://cdn.emnify.net.";
  it.each([
    [
      'https://cdn.emnify.net/',
      'The API URL "https://cdn.emnify.net/" ends with "/": Grafana would request "https://cdn.emnify.net//api/v1/…" with a double slash. Remove the trailing "/" (saving the data source settings again does it).',
    ],
    ['<no value>', `The API URL "<no value>" is not an absolute URL. ${fix}`],
    ['cdn.emnify.net', `The API URL "cdn.emnify.net" is not an absolute URL. ${fix}`],
    ['ftp://cdn.emnify.net', `The API URL "ftp://cdn.emnify.net" is not an http(s) URL. ${fix}`],
    [' https://cdn.emnify.net', `The API URL " https://cdn.emnify.net" starts or ends with a space. ${fix}`],
    [
      'https://cdn.emnify.net?x=1',
      `The API URL "https://cdn.emnify.net?x=1" has a query or fragment, which Grafana's proxy would drop. ${fix}`,
    ],
    [
      'https://u:p@cdn.emnify.net',
      `The API URL "https://u:p@cdn.emnify.net" carries credentials; the application token is the only credential. ${fix}`,
    ],
    [42, `The API URL setting is not text (42). ${fix}`],
  ])('names what is wrong with %j', (value, message) => {
    expect(apiUrlProblem(value)).toBe(message);
  });
});
