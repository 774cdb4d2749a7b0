/**
 * The checks of Grafana's plugin validator that need no network, no signing and no external scanner,
 * as they apply to a frontend-only plugin, written as our own code: run against a built plugin folder
 * (dist/) and the source tree it was built from. Errors are what would block publishing; warnings are
 * what the validator only points out.
 *
 * Covered: plugin.json present and valid JSON, the schema rules (pluginSchema.ts), no nested plugins
 * outside app plugins, id ends with the type and has the <org>-<name>-<type> form, name is not the id,
 * version is a semver equal to package.json's, updated is a calendar date, grafanaDependency is a valid
 * semver range (warning when it pins one release or one minor), backend/executable/alerting consistency
 * and no stray backend binaries or debug files, module.js present without Angular markers or tracking
 * scripts, its source map present and matching the sources, README.md / CHANGELOG.md / LICENSE present
 * and not left as templates, logo and screenshot paths relative and pointing at real images, SVG files
 * without scripts, event handlers or external references, create-plugin build tooling and no
 * grafana-toolkit scripts in package.json.
 *
 * Not covered (they need the network, a signing key or tools we do not run): archive name and layout,
 * signature and MANIFEST.txt, whether the org exists or the plugin is published, broken or unsafe links,
 * circular dependencies on published plugins, Go checks, vulnerability and virus scans, LLM review.
 *
 * Libraries do what they can: the schema rules are ajv's (pluginSchema.ts), versions and ranges
 * semver's, calendar dates ajv-formats'. The rest is written here, each part saying why: what these
 * checks look for is Grafana's catalog policy (which licenses, which tracking hosts, which files), not a
 * format a library parses.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import semver from 'semver';
import { validatePluginJson } from './pluginSchema';

/** YYYY-MM-DD naming a day that exists (ajv-formats' `date`: month lengths and leap years). */
const isCalendarDate = (() => {
  const ajv = new Ajv();
  addFormats(ajv, ['date']);
  return ajv.compile<string>({ type: 'string', format: 'date' });
})();

export interface Findings {
  errors: string[];
  warnings: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function readText(path: string): string | undefined {
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
}

/** Every file below `dir`, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => p.split('\\').join('/'))
    .filter((p) => statSync(join(dir, p)).isFile())
    .sort();
}

// ---------------------------------------------------------------- images

type ImageKind = 'PNG' | 'JPEG' | 'GIF' | 'SVG';
const EXTENSION_KIND: Record<string, ImageKind> = {
  '.png': 'PNG',
  '.jpg': 'JPEG',
  '.jpeg': 'JPEG',
  '.gif': 'GIF',
  '.svg': 'SVG',
};

/**
 * The kind of image a file holds, by its magic number (SVG: text with an <svg element). Written here
 * because it is four signatures: an image library would decode the whole file to answer which of four
 * types it is.
 */
function imageKind(bytes: Buffer): ImageKind | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'PNG';
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'JPEG';
  }
  const head = bytes.subarray(0, 6).toString('latin1');
  if (head === 'GIF87a' || head === 'GIF89a') {
    return 'GIF';
  }
  if (!bytes.includes(0) && bytes.toString('utf8').includes('<svg')) {
    return 'SVG';
  }
  return undefined;
}

/** A path from plugin.json (logo, screenshot): relative, inside the plugin, an image of the kind its extension says. */
function checkImagePath(dist: string, field: string, path: unknown, report: (message: string) => void): void {
  const p = asString(path);
  if (p === undefined) {
    return; // a wrong type is a schema error already
  }
  if (p.trim() === '') {
    report(`${field}: empty path`);
    return;
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(p)) {
    report(`${field}: "${p}" must be a path relative to plugin.json, not a URL`);
    return;
  }
  if (p.startsWith('.') || p.startsWith('/') || p.startsWith('\\')) {
    report(`${field}: "${p}" must not start with "." or "/" (write img/file.png)`);
    return;
  }
  const full = join(dist, p);
  if (!existsSync(full) || !statSync(full).isFile()) {
    report(`${field}: ${p} does not exist`);
    return;
  }
  const kind = imageKind(readFileSync(full));
  if (!kind) {
    report(`${field}: ${p} is not a PNG, JPEG, GIF or SVG image`);
    return;
  }
  const expected = EXTENSION_KIND[extname(p).toLowerCase()];
  if (expected !== kind) {
    report(
      `${field}: ${p} holds ${kind} data but its extension ${extname(p) || '(none)'} says ${expected ?? 'no image type'}`
    );
  }
}

// ---------------------------------------------------------------- SVG safety

const SVG_FORBIDDEN_ELEMENTS = [
  'script',
  'foreignObject',
  'iframe',
  'embed',
  'object',
  'audio',
  'video',
  'noscript',
  'template',
  'handler',
];

/**
 * What makes an SVG unsafe in Grafana's catalog: active elements, event handlers, `javascript:` and
 * external references. Scans the raw text, not a parsed tree, on purpose: an SVG that a browser renders
 * but a strict XML parser rejects would otherwise pass unread, and a match inside a comment still
 * deserves a look.
 */
function svgProblems(svg: string): string[] {
  const problems: string[] = [];
  for (const element of SVG_FORBIDDEN_ELEMENTS) {
    if (new RegExp(`<\\s*(?:[\\w-]+:)?${element}[\\s/>]`, 'i').test(svg)) {
      problems.push(`<${element}> element`);
    }
  }
  for (const m of svg.matchAll(/\s(on[a-z]+)\s*=/gi)) {
    problems.push(`event handler attribute ${m[1]}`);
  }
  if (/javascript:/i.test(svg)) {
    problems.push('javascript: URL');
  }
  for (const m of svg.matchAll(/(?:xlink:)?href\s*=\s*["']\s*((?:[a-z][a-z0-9+.-]*:|\/\/)[^"']*)/gi)) {
    if (!/^javascript:/i.test(m[1])) {
      problems.push(`external reference ${m[1]}`);
    }
  }
  for (const m of svg.matchAll(/url\(\s*["']?\s*((?:https?:)?\/\/[^)"']*)/gi)) {
    problems.push(`external reference ${m[1]}`);
  }
  return problems;
}

// ---------------------------------------------------------------- module.js

const TRACKING_HOSTS = [
  'google-analytics.com',
  'googletagmanager.com',
  'doubleclick.net',
  'connect.facebook.net',
  'hotjar.com',
  'segment.com',
  'segment.io',
  'mixpanel.com',
  'amplitude.com',
  'fullstory.com',
  'heapanalytics.com',
  'clarity.ms',
];
// Markers of the AngularJS plugin platform that Grafana no longer loads.
const ANGULAR_MARKERS = [
  'PanelCtrl',
  'MetricsPanelCtrl',
  'QueryCtrl',
  'ConfigCtrl',
  'app/plugins/sdk',
  'angular.module(',
];

// Source map entries that are not files of the plugin's source tree.
const MAP_IGNORED_PREFIXES = ['external ', 'webpack/', './node_modules/', '../node_modules'];
const MAP_IGNORED_EXTENSIONS = ['.css', '.scss', '.sass', '.less', '.svg', '.json'];

/**
 * The source map next to module.js, and whether its sources are the tree's. JSON.parse is enough: only
 * `version`, `sources` and `sourcesContent` are read, never the mappings a source-map library decodes.
 */
function checkSourceMap(dist: string, sourceRoot: string, pluginId: string, errors: string[]): void {
  const module = readFileSync(join(dist, 'module.js'), 'utf8');
  for (const m of module.matchAll(/^\/\/# sourceMappingURL=(\S+)\s*$/gm)) {
    if (!m[1].startsWith('data:') && !existsSync(join(dist, m[1]))) {
      errors.push(`module.js: links the source map ${m[1]}, which is missing`);
    }
  }
  const mapText = readText(join(dist, 'module.js.map'));
  if (mapText === undefined) {
    errors.push('module.js.map: missing (the plugin catalog wants the source map next to module.js)');
    return;
  }
  let map: unknown;
  try {
    map = JSON.parse(mapText);
  } catch {
    errors.push('module.js.map: not valid JSON');
    return;
  }
  const sources = isObject(map) && Array.isArray(map.sources) ? map.sources : [];
  const contents = isObject(map) && Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
  if (!isObject(map) || map.version !== 3 || sources.length === 0 || sources.length !== contents.length) {
    errors.push('module.js.map: not a version 3 source map with matching sources and sourcesContent');
    return;
  }
  const prefix = new RegExp(`^webpack://${pluginId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/*|^webpack:/*`);
  sources.forEach((source, i) => {
    const name = String(source).replace(prefix, '');
    const bare = name.split('?')[0];
    if (
      MAP_IGNORED_PREFIXES.some((p) => name.startsWith(p)) ||
      bare.includes('/node_modules/') ||
      MAP_IGNORED_EXTENSIONS.some((e) => bare.endsWith(e))
    ) {
      return;
    }
    const file = resolve(sourceRoot, 'src', name);
    const where = relative(sourceRoot, file).split('\\').join('/');
    const actual = readText(file);
    if (actual === undefined) {
      errors.push(`module.js.map: ${where} is in the bundle but not in the source tree`);
    } else if (actual.replace(/\r\n/g, '\n') !== String(contents[i]).replace(/\r\n/g, '\n')) {
      errors.push(`module.js.map: ${where} differs from the source the bundle was built from`);
    }
  });
}

function checkModule(dist: string, sourceRoot: string, pluginId: string, errors: string[]): void {
  const module = readText(join(dist, 'module.js'));
  if (module === undefined) {
    errors.push('module.js: missing (Grafana loads the plugin from it)');
    return;
  }
  for (const marker of ANGULAR_MARKERS) {
    if (module.includes(marker)) {
      errors.push(`module.js: uses the AngularJS plugin platform (${marker})`);
    }
  }
  for (const url of new Set(module.match(/https?:\/\/[^\s"'`)]+/g) ?? [])) {
    const host = url
      .replace(/^https?:\/\//, '')
      .split(/[/:?#]/)[0]
      .toLowerCase();
    if (TRACKING_HOSTS.some((t) => host === t || host.endsWith(`.${t}`))) {
      errors.push(`module.js: tracking script ${url}`);
    }
  }
  checkSourceMap(dist, sourceRoot, pluginId, errors);
}

// ---------------------------------------------------------------- documents

const TEMPLATE_README = /Grafana (Panel|Data Source|Datasource|App|Data Source Backend) Plugin Template/i;
const README_JARGON = ['yarn', 'nodejs'];

function checkDocuments(dist: string, errors: string[], warnings: string[]): void {
  const readme = readText(join(dist, 'README.md'));
  if (readme === undefined) {
    errors.push('README.md: missing (the plugin catalog shows it)');
  } else if (readme.trim() === '') {
    errors.push('README.md: empty');
  } else {
    if (TEMPLATE_README.test(readme)) {
      errors.push('README.md: still the create-plugin template');
    }
    if (/<!--[\s\S]*?-->/.test(readme)) {
      warnings.push('README.md: contains HTML comments');
    }
    const jargon = README_JARGON.filter((w) => readme.includes(w));
    if (jargon.length > 0) {
      warnings.push(`README.md: developer jargon (${jargon.join(', ')}); move build notes to a separate file`);
    }
  }
  const changelog = readText(join(dist, 'CHANGELOG.md'));
  if (changelog === undefined) {
    errors.push('CHANGELOG.md: missing');
  } else if (changelog.trim() === '') {
    errors.push('CHANGELOG.md: empty');
  }
}

// SPDX id → phrases that all appear in that license's text. Written here: SPDX tools on npm parse license
// expressions ("MIT OR Apache-2.0"), not license files, and the list is Grafana's policy.
const LICENSES: Array<[string, string[]]> = [
  ['AGPL-3.0', ['GNU AFFERO GENERAL PUBLIC LICENSE', 'Version 3']],
  ['LGPL-3.0', ['GNU LESSER GENERAL PUBLIC LICENSE', 'Version 3']],
  ['GPL-3.0', ['GNU GENERAL PUBLIC LICENSE', 'Version 3']],
  ['Apache-2.0', ['Apache License', 'Version 2.0', 'TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION']],
  ['MIT', ['Permission is hereby granted, free of charge', 'THE SOFTWARE IS PROVIDED "AS IS"']],
  [
    'BSD',
    [
      'Redistribution and use in source and binary forms',
      'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"',
    ],
  ],
];
const LICENSE_PLACEHOLDERS = ['{yyyy}', '{name of copyright owner}'];

function checkLicense(dist: string, declared: string | undefined, errors: string[]): void {
  const text = readText(join(dist, 'LICENSE'));
  if (text === undefined) {
    errors.push('LICENSE: missing');
    return;
  }
  const found = LICENSES.find(([, phrases]) => phrases.every((p) => text.includes(p)))?.[0];
  if (!found) {
    errors.push(
      `LICENSE: not one of the licenses Grafana accepts for plugins (${LICENSES.map(([id]) => id).join(', ')})`
    );
    return;
  }
  if (declared && !declared.startsWith(found)) {
    errors.push(`LICENSE: the text is ${found} but package.json declares ${declared}`);
  }
  const left = LICENSE_PLACEHOLDERS.filter((p) => text.includes(p));
  if (left.length > 0) {
    errors.push(`LICENSE: template placeholders left in the text (${left.join(', ')})`);
  }
}

// ---------------------------------------------------------------- plugin.json semantics

function checkMetadata(meta: Json, dist: string, pkg: Json | undefined, errors: string[], warnings: string[]): void {
  const id = asString(meta.id) ?? '';
  const type = asString(meta.type) ?? '';
  const name = asString(meta.name);
  const info = isObject(meta.info) ? meta.info : {};
  const deps = isObject(meta.dependencies) ? meta.dependencies : {};
  const fieldError = (message: string) => errors.push(`plugin.json: ${message}`);
  const fieldWarning = (message: string) => warnings.push(`plugin.json: ${message}`);

  const idParts = id.split('-');
  if (type && idParts[idParts.length - 1] !== type) {
    fieldError(`id: "${id}" does not end with its type "-${type}"`);
  }
  if (idParts.length < 3) {
    fieldError(`id: "${id}" does not have the form <org>-<name>-<type>`);
  }
  if (name !== undefined && name === id) {
    fieldError('name: must be a human-friendly name, not the plugin id');
  }

  const version = asString(info.version);
  if (version !== undefined) {
    if (semver.valid(version) !== version) {
      fieldError(`info.version: "${version}" is not a semantic version (MAJOR.MINOR.PATCH)`);
    } else if (pkg && pkg.version !== version) {
      fieldError(`info.version: ${version} differs from package.json version ${String(pkg.version)}`);
    }
  }
  const updated = asString(info.updated);
  if (updated !== undefined && !isCalendarDate(updated)) {
    fieldError(`info.updated: "${updated}" is not a calendar date (YYYY-MM-DD)`);
  }
  if (!asString(info.description)?.trim()) {
    fieldWarning('info.description: empty (the plugin catalog searches it)');
  }

  const range = asString(deps.grafanaDependency);
  if (range !== undefined) {
    if (range.trim() === '' || semver.validRange(range) === null) {
      fieldError(`dependencies.grafanaDependency: "${range}" is not a valid semver range`);
    } else if (/^\d+\.\d+\.x$/.test(range)) {
      fieldWarning(
        `dependencies.grafanaDependency: "${range}" only allows patch releases of Grafana ${range.slice(0, -2)}`
      );
    } else if (/^\d+\.\d+\.\d+$/.test(range)) {
      fieldWarning(`dependencies.grafanaDependency: "${range}" only allows Grafana ${range}`);
    }
  }

  const files = filesUnder(dist);
  const executable = asString(meta.executable);
  if (meta.alerting === true && meta.backend !== true) {
    fieldError('alerting: true needs backend: true');
  }
  if (executable && meta.backend !== true) {
    fieldError(`executable: "${executable}" is declared but backend is not true`);
  }
  if (meta.backend === true && !executable) {
    fieldError('backend: true but no executable is declared');
  }
  if (executable) {
    const stem = executable.split('\\').join('/');
    if (!files.some((f) => f.startsWith(stem))) {
      fieldError(`executable: no backend binary ${stem}* in the plugin`);
    }
  } else {
    for (const f of files.filter((f) => basename(f).startsWith('gpx_'))) {
      errors.push(`${f}: a backend binary, but plugin.json declares no executable`);
    }
  }
  for (const f of files.filter((f) => ['standalone.txt', 'pid.txt'].includes(basename(f)))) {
    errors.push(`${f}: backend debug file; the plugin would not start in production`);
  }
  if (type !== 'app') {
    for (const f of files.filter((f) => f !== 'plugin.json' && basename(f) === 'plugin.json')) {
      errors.push(`${f}: nested plugin, but only app plugins may bundle other plugins`);
    }
  }

  const logos = isObject(info.logos) ? info.logos : {};
  checkImagePath(dist, 'info.logos.small', logos.small, fieldError);
  checkImagePath(dist, 'info.logos.large', logos.large, fieldError);
  const screenshots = Array.isArray(info.screenshots) ? info.screenshots : [];
  if (screenshots.length === 0) {
    fieldWarning('info.screenshots: none declared (the plugin catalog shows them)');
  }
  screenshots.forEach((s, i) =>
    checkImagePath(dist, `info.screenshots[${i}].path`, isObject(s) ? s.path : undefined, fieldError)
  );
}

function checkBuildTooling(sourceRoot: string, pkg: Json | undefined, errors: string[]): void {
  const webpack = readText(join(sourceRoot, '.config/webpack/webpack.config.ts'));
  if (webpack === undefined || !webpack.includes('@grafana/create-plugin')) {
    errors.push('.config/webpack/webpack.config.ts: not the create-plugin build tooling');
  }
  const scripts = pkg && isObject(pkg.scripts) ? pkg.scripts : {};
  for (const [script, command] of Object.entries(scripts)) {
    if (String(command).includes('grafana-toolkit')) {
      errors.push(`package.json: script "${script}" uses the retired grafana-toolkit`);
    }
  }
}

function checkSvgFiles(dist: string, errors: string[]): void {
  for (const f of filesUnder(dist).filter((f) => f.toLowerCase().endsWith('.svg'))) {
    for (const problem of svgProblems(readFileSync(join(dist, f), 'utf8'))) {
      errors.push(`${f}: unsafe SVG, ${problem}`);
    }
  }
}

/**
 * All checks on a built plugin folder `dist` (the folder Grafana loads), built from `sourceRoot`
 * (holding package.json, src/ and .config/).
 */
export function validatePluginDist(dist: string, sourceRoot: string): Findings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const text = readText(join(dist, 'plugin.json'));
  if (text === undefined) {
    return { errors: ['plugin.json: missing'], warnings };
  }
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    return { errors: ['plugin.json: not valid JSON'], warnings };
  }
  errors.push(...validatePluginJson(meta).map((e) => `plugin.json: ${e}`));
  if (!isObject(meta)) {
    return { errors, warnings };
  }
  let pkg: Json | undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(sourceRoot, 'package.json'), 'utf8'));
    pkg = isObject(parsed) ? parsed : undefined;
  } catch {
    pkg = undefined;
  }
  if (!pkg) {
    errors.push('package.json: missing or not valid JSON');
  }
  checkMetadata(meta, dist, pkg, errors, warnings);
  checkModule(dist, sourceRoot, asString(meta.id) ?? '', errors);
  checkDocuments(dist, errors, warnings);
  checkLicense(dist, pkg ? asString(pkg.license) : undefined, errors);
  checkSvgFiles(dist, errors);
  checkBuildTooling(sourceRoot, pkg, errors);
  return { errors, warnings };
}
