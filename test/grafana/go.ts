/**
 * The pieces of Go's standard library and of Grafana's Go utilities that decide what Grafana's data source
 * proxy sends upstream, re-implemented for the proxy stand-in (proxy.ts). Each says which Go function it
 * follows; the expectations in proxy.test.ts were checked once against Go 1.19 itself (text/template,
 * net/url, path/filepath) and hold for the Go versions Grafana 12 is built with.
 *
 * Only what the plugin's routes use is emulated; anything else throws, so a route using more of Go's
 * template language fails the tests instead of being emulated wrongly.
 */

/**
 * Go text/template data of a route: `.JsonData` (decoded JSON) and `.SecureJsonData` (decrypted strings), as
 * Grafana's pkg/api/pluginproxy/utils.go interpolateString executes a route's URL, header and body templates
 * (template.New("content").Parse, then Execute with its templateData).
 */
export interface TemplateData {
  JsonData: Record<string, unknown>;
  SecureJsonData: Record<string, string>;
}

/** What Go prints for a missing map key with the default `missingkey` option (text/template exec.go). */
export const GO_NO_VALUE = '<no value>';

/** An `{{ if }}` condition: a field chain, or `eq <field chain> "<string>"`. */
type Condition = { field: string[] } | { eqField: string[]; literal: string };

type Node = { text: string } | { field: string[] } | { ifCond: Condition; then: Node[]; otherwise: Node[] };

/** A template that Go parses but whose execution fails (Template.Execute's error). */
export class GoTemplateExecError extends Error {}

/** One `{{ .A.b }}` pipeline: a field chain, nothing else. */
function fieldChain(action: string): string[] {
  if (!/^(\.[A-Za-z_]\w*)+$/.test(action)) {
    throw new Error(`Go template action {{ ${action} }} is not emulated by the proxy stand-in`);
  }
  return action.slice(1).split('.');
}

/** An `{{ if }}` condition: `.X.y`, or `eq .X.y "text"` / eq .X.y `text` (a string literal without escapes, or a raw one). */
function condition(text: string): Condition {
  const eq = /^eq\s+(\S+)\s+(?:"([^"\\]*)"|`([^`]*)`)$/.exec(text);
  return eq ? { eqField: fieldChain(eq[1]), literal: eq[2] ?? eq[3] } : { field: fieldChain(text) };
}

/**
 * Parses the subset of text/template the plugin's routes use: text, `{{ .X.y }}`,
 * `{{ if .X.y }}…{{ else }}…{{ end }}` and `{{ if eq .X.y "text" }}…`.
 */
function parseTemplate(text: string): Node[] {
  const tokens = text.split(/(\{\{[^}]*\}\})/).filter((t) => t !== '');
  let i = 0;
  const parse = (until: string[]): { nodes: Node[]; stop?: string } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const token = tokens[i++];
      const action = /^\{\{(.*)\}\}$/.exec(token)?.[1];
      if (action === undefined) {
        nodes.push({ text: token });
        continue;
      }
      if (action.startsWith('-') || action.endsWith('-')) {
        throw new Error(`Go template trim markers in {{${action}}} are not emulated by the proxy stand-in`);
      }
      const body = action.trim();
      if (until.includes(body)) {
        return { nodes, stop: body };
      }
      const cond = /^if\s+(.+)$/.exec(body);
      if (cond) {
        const then = parse(['else', 'end']);
        const otherwise = then.stop === 'else' ? parse(['end']) : { nodes: [], stop: then.stop };
        if (otherwise.stop !== 'end') {
          throw new Error(`Go template: unclosed {{ if }} in ${text}`);
        }
        nodes.push({ ifCond: condition(cond[1].trim()), then: then.nodes, otherwise: otherwise.nodes });
        continue;
      }
      nodes.push({ field: fieldChain(body) });
    }
    if (until.length > 0) {
      throw new Error(`Go template: unclosed {{ if }} in ${text}`);
    }
    return { nodes };
  };
  return parse([]).nodes;
}

/** A field chain's value; `undefined` is Go's invalid reflect.Value (a missing map key). */
function lookup(data: TemplateData, chain: string[]): unknown {
  let value: unknown = data;
  for (const name of chain) {
    if (value === null || typeof value !== 'object' || !(name in value)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/** text/template exec.go isTrue: missing and nil are false, so are "", 0 and false. */
function isTrue(value: unknown): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  if (typeof value === 'string') {
    return value.length > 0;
  }
  if (typeof value === 'number') {
    return value !== 0;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  throw new Error(`Go template: {{ if }} on ${typeof value} is not emulated by the proxy stand-in`);
}

/**
 * text/template funcs.go eq with a string: a missing key or nil (an invalid or nil value) is unequal to
 * it, a string compares by value, any other kind is an error ("incompatible types for comparison"),
 * which fails the whole Execute. Checked against Go 1.19.
 */
function isEqual(value: unknown, literal: string): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  if (typeof value === 'string') {
    return value === literal;
  }
  throw new GoTemplateExecError('error calling eq: incompatible types for comparison');
}

/** Whether an `{{ if }}` condition holds. */
function holds(cond: Condition, data: TemplateData): boolean {
  return 'eqField' in cond ? isEqual(lookup(data, cond.eqField), cond.literal) : isTrue(lookup(data, cond.field));
}

/** How fmt.Fprint prints a decoded JSON value (text/template printValue); a missing key prints <no value>. */
function printValue(value: unknown): string {
  if (value === undefined) {
    return GO_NO_VALUE;
  }
  if (value === null) {
    return '<nil>';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'number') {
    // %v of a float64: the shortest representation, exponent from 1e21 up ('e+21').
    return Math.abs(value) >= 1e21 ? value.toExponential().replace(/e\+?(\d)$/, 'e+0$1') : String(value);
  }
  throw new Error(`Go template: printing ${typeof value} values is not emulated by the proxy stand-in`);
}

/**
 * Go's text/template Parse + Execute with the route data, as pluginproxy/utils.go interpolateString does;
 * throws GoTemplateExecError where Execute fails.
 */
export function executeTemplate(text: string, data: TemplateData): string {
  const render = (nodes: Node[]): string =>
    nodes
      .map((node) =>
        'text' in node
          ? node.text
          : 'field' in node
            ? printValue(lookup(data, node.field))
            : render(holds(node.ifCond, data) ? node.then : node.otherwise)
      )
      .join('');
  return render(parseTemplate(text));
}

/** Grafana pkg/util/url.go JoinURLFragments: one slash between `a` and `b`, `a` alone when `b` is empty. */
export function joinURLFragments(a: string, b: string): string {
  if (b.length === 0) {
    return a;
  }
  const aslash = a.endsWith('/');
  const bslash = b.startsWith('/');
  if (aslash && bslash) {
    return a + b.slice(1);
  }
  if (!aslash && !bslash) {
    return `${a}/${b}`;
  }
  return a + b;
}

/**
 * Grafana pkg/util/filepath.go CleanRelativePath: filepath.Clean(filepath.Join("/", p)) relative to "/":
 * `..` cannot climb above the root, duplicate and trailing slashes go, the root itself is ".". Escapes
 * (`%2e%2e`) are not decoded.
 */
export function cleanRelativePath(p: string): string {
  const out: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out.length === 0 ? '.' : out.join('/');
}

const hex = (c: number) => `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const unreserved = (c: number) =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  '-_.~'.includes(String.fromCharCode(c));

/** Go net/url escape(s, encodePath), as URL.EscapedPath uses it: `$&+,/:;=@` stay, `?` and others are %XX. */
export function escapePath(path: string): string {
  return utf8(path)
    .map((c) => (unreserved(c) || '$&+,/:;=@'.includes(String.fromCharCode(c)) ? String.fromCharCode(c) : hex(c)))
    .join('');
}

/** Go net/url QueryEscape: unreserved characters stay, space is `+`, everything else %XX. */
export function queryEscape(s: string): string {
  return utf8(s)
    .map((c) => (unreserved(c) ? String.fromCharCode(c) : c === 0x20 ? '+' : hex(c)))
    .join('');
}

/** Go net/url unescape; undefined for an invalid escape (Go returns an error). */
function unescape(s: string, plusIsSpace: boolean): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) {
    return undefined;
  }
  const text = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  try {
    return decodeURIComponent(text);
  } catch {
    // An escape sequence that is not UTF-8: Go keeps the bytes; no test of ours sends one.
    return undefined;
  }
}

/**
 * Go net/url ParseQuery (what URL.Query() returns, errors dropped): pairs split on `&`, a pair with `;` or a
 * bad escape dropped, `+` is a space. Then url.Values.Encode: keys sorted, each value `QueryEscape`d.
 * Together: what addQueryString (pkg/api/pluginproxy/utils.go) makes of the browser's query string.
 */
export function reencodeQuery(rawQuery: string): string {
  const values = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) {
      continue;
    }
    const eq = pair.indexOf('=');
    const key = unescape(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = unescape(eq < 0 ? '' : pair.slice(eq + 1), true);
    if (key === undefined || value === undefined) {
      continue;
    }
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return [...values.keys()]
    .sort()
    .flatMap((k) => values.get(k)!.map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
    .join('&');
}

/** The parts of Go's url.Parse result that the proxy uses, or the error Go returns. */
export type GoUrl = { scheme: string; host: string; path: string } | { error: string };

/** Go net/url Parse (the subset a route URL meets): scheme, authority, unescaped path; query and fragment dropped. */
export function parseUrl(raw: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    return { error: `parse "${raw}": net/url: invalid control character in URL` };
  }
  let rest = raw.split('#')[0].split('?')[0];
  let scheme = '';
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (rest.startsWith(':')) {
    return { error: `parse "${raw}": missing protocol scheme` };
  }
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
    if (!rest.startsWith('/')) {
      // An opaque URL (`cdn.emnify.net:443/api` has the scheme "cdn.emnify.net"): no host, no path.
      return { scheme, host: '', path: '' };
    }
  } else if ((rest.split('/')[0] ?? '').includes(':')) {
    return { error: `parse "${raw}": first path segment in URL cannot contain colon` };
  }
  let host = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    rest = end < 0 ? '' : rest.slice(end);
  }
  const path = unescape(rest, false);
  if (path === undefined) {
    return { error: `parse "${raw}": invalid URL escape` };
  }
  return { scheme, host, path };
}
