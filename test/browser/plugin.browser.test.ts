/**
 * The built plugin (dist/module.js) in Debian's Chromium, loaded as Grafana loads it, clicked through
 * against the simulator, in both connection modes: direct (Grafana's proxy reaches the simulator) and
 * gateway (it reaches a real exporter process whose events gateway reads the simulator). Expectations
 * come from the simulator's own API read by the shared client. Screenshots of every step go to
 * artifacts/screenshots/<mode>/.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { EmnifyClient, EmnifyEvent, EventFilter, fetchTransport } from '@emnify-events/client';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { DIST, DS_UID, Harness, startHarness } from './harness';
import { DashboardResult, ExplorerPanelResult, hostIds } from './host/ids';
import { selectors } from '../../src/selectors';
import { SavedDashboard, SavedTarget, pluginPanels } from '../grafana/dashboardModel';
import { dashboards } from '../support/dashboards';
import { expectedFilter } from '../support/panelModel';
import { GatewayExporter, startGatewayExporter } from '../support/gatewayExporter';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../artifacts/screenshots');
const HOUR = 3_600_000;
const BAD_TOKEN = 'not-a-valid-token-of-either-kind';
const GATEWAY_TOKEN = 'browser-test-gateway-token-3c8e1a';
/** Any JWT: three base64url segments, the first a JSON object. */
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
/** A common laptop screen: the whole page, the table included, must fit its width. */
const VIEWPORT = 1280;

const id = (testId: string) => `[data-testid="${testId}"]`;
const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

type Mode = 'direct' | 'gateway';

beforeAll(() => rmSync(SHOTS, { recursive: true, force: true }));

describe.each(['direct', 'gateway'] as const)('the built plugin in Chromium, %s', (mode: Mode) => {
  let sim: RunningSimulator;
  let exporter: GatewayExporter | undefined;
  /** Every answer to /api/... the browser received: status, headers and body. */
  const apiAnswers: string[] = [];
  const shots = join(SHOTS, mode);
  /** The token field of the mode. */
  const tokenPlaceholder = mode === 'direct' ? 'emnify application token' : 'exporter gateway token';
  const tokenKey = mode === 'direct' ? 'applicationToken' : 'gatewayToken';
  let harness: Harness;
  let browser: Browser;
  let page: Page;
  let reference: EmnifyClient;
  let range: { from: number; to: number };
  const consoleErrors: Array<{ text: string; url: string }> = [];
  const failedResponses: Array<{ status: number; url: string }> = [];
  let step = 0;

  const shot = async (name: string) => {
    step++;
    await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  /** Every event of `filter` in the test's range, read from the simulator directly. */
  const expected = async (filter: EventFilter): Promise<EmnifyEvent[]> =>
    (await reference.listEvents({ filter: { ...filter, from: range.from, until: range.to }, perPage: 1000 })).events;
  const typeIds = async (...names: string[]) => {
    const types = await reference.getEventTypes();
    return names.map((n) => types.find((t) => t.description === n)!.id);
  };
  /** Picks options of a @grafana/ui Combobox or MultiCombobox (a multi one stays open between picks). */
  const pick = async (scope: string, testId: string, options: string[], typed?: string) => {
    const input = page.locator(`${id(scope)} ${id(testId)}`);
    await input.click();
    if (typed) {
      await input.fill(typed);
    }
    for (const option of options) {
      await page.getByRole('option', { name: option }).first().click();
    }
  };
  /** The query editor's output format (a @grafana/ui RadioButtonGroup). */
  const format = (label: string) =>
    page.locator(id(hostIds.query)).getByRole('radio', { name: label, exact: true }).check();
  /**
   * Waits until the host's query (rendered as `data-query`) satisfies `holds`, as a user waits to see an
   * edit before making the next. A MultiCombobox pick reaches onChange through downshift's state-change
   * callbacks; without this wait, under load, the country typed right after a pick was now and then missing
   * from the query that ran (three tests failed together, the later two inheriting the query).
   */
  const queryShows = async (what: string, holds: (query: Record<string, unknown>) => boolean) => {
    const state = page.locator(id(hostIds.state));
    let query: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      query = JSON.parse((await state.getAttribute('data-query')) ?? '{}') as Record<string, unknown>;
      if (holds(query)) {
        return;
      }
      await page.waitForTimeout(50);
    }
    throw new Error(`the host's query never showed ${what}: ${JSON.stringify(query)}`);
  };
  const runQuery = async () => {
    const runs = Number(await page.locator(id(hostIds.state)).getAttribute('data-runs'));
    await page.locator(id(hostIds.run)).click();
    await page.locator(`${id(hostIds.state)}[data-runs="${runs + 1}"]`).waitFor({ state: 'attached' });
  };
  const saveAndTest = async () => {
    await page.locator(id(hostIds.saveAndTest)).click();
    return (await page.locator(id(hostIds.health)).waitFor(), page.locator(id(hostIds.health)).innerText());
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    sim = await startSimulator({ port: 0, seed: 11, historyMs: 6 * HOUR, historyEvents: 6000, eventsPerSecond: 0 });
    if (mode === 'gateway') {
      exporter = await startGatewayExporter({
        apiUrl: sim.url,
        applicationToken: sim.applicationToken,
        gatewayToken: GATEWAY_TOKEN,
      });
    }
    reference = new EmnifyClient({
      transport: fetchTransport({ baseUrl: sim.url }),
      applicationToken: sim.applicationToken,
      rateLimiter: null,
    });
    const now = Math.floor(Date.now() / 1000) * 1000;
    range = { from: now - 6 * HOUR, to: now };
    harness = await startHarness();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: VIEWPORT, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push({ text: m.text(), url: m.location().url }));
    page.on('pageerror', (e) => consoleErrors.push({ text: `uncaught: ${e.message}`, url: '' }));
    page.on('response', (r) => {
      if (r.status() >= 400) {
        failedResponses.push({ status: r.status(), url: new URL(r.url()).pathname });
      }
      if (new URL(r.url()).pathname.startsWith('/api/')) {
        const head = `${r.status()}\n${JSON.stringify(r.headers())}\n\n`;
        r.text().then(
          (body) => apiAnswers.push(head + body),
          () => apiAnswers.push(head)
        );
      }
    });
    await page.goto(harness.pageUrl(range));
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await exporter?.close();
    await sim?.close();
  });

  it('loads dist/module.js through AMD with the host as its externals and mounts the config editor', async () => {
    await page.locator(id(selectors.config.apiUrl)).waitFor();
    expect(await page.locator(id(hostIds.loadError)).count()).toBe(0);
    // The host set plugin.meta from dist/plugin.json, as Grafana does after importing the module.
    const root = page.locator(id(hostIds.root));
    expect(await root.getAttribute('data-plugin-id')).toBe('emnify-events-datasource');
    expect(await root.getAttribute('data-plugin-name')).toBe(
      JSON.parse(readFileSync(join(DIST, 'plugin.json'), 'utf8')).name
    );
    // Grafana's defaults show as placeholders until the user types.
    expect(await page.locator(id(selectors.config.apiUrl)).getAttribute('placeholder')).toBe('https://cdn.emnify.net');
    expect(await page.locator(id(selectors.config.maxPages)).getAttribute('placeholder')).toBe('20');
    await shot('config-empty');
    if (mode === 'gateway') {
      await page.locator(id(selectors.config.connection)).getByRole('radio', { name: 'Events gateway' }).check();
      expect(await page.locator(id(selectors.config.gatewayUrl)).getAttribute('placeholder')).toBe(
        'http://exporter:8486'
      );
      expect(await page.locator(id(selectors.config.apiUrl)).count()).toBe(0);
      await shot('config-gateway');
    }
  });

  it('saves the token as configured, never echoes it, and "Save & test" connects', async () => {
    if (mode === 'direct') {
      await page.locator(id(selectors.config.apiUrl)).fill(sim.url);
      await page.getByPlaceholder(tokenPlaceholder).fill(sim.applicationToken);
    } else {
      await page.locator(id(selectors.config.gatewayUrl)).fill(exporter!.url);
      await page.getByPlaceholder(tokenPlaceholder).fill(GATEWAY_TOKEN);
    }
    await shot('config-filled');
    const message = await saveAndTest();
    const secret = mode === 'direct' ? sim.applicationToken : GATEWAY_TOKEN;
    if (mode === 'direct') {
      expect(message).toMatch(
        /^Connected to the emnify API directly at http:\/\/127\.0\.0\.1:\d+: the application token is valid; \d+ event\(s\) in the last hour\.$/
      );
      expect(harness.stored().settings.jsonData).toEqual({ apiUrl: sim.url });
    } else {
      expect(message).toMatch(
        new RegExp(
          `^Connected through the events gateway at ${exporter!.url.replace(/\./g, '\\.')}: the gateway token is valid and the gateway reads emnify; \\d+ event\\(s\\) in the last hour\\. This browser holds no emnify credential\\.$`
        )
      );
      expect(harness.stored().settings.jsonData).toEqual({ connection: 'gateway', gatewayUrl: exporter!.url });
    }
    // Stored server-side; the browser only learns that it is set.
    expect(harness.stored().secureJsonData).toEqual({ [tokenKey]: secret });
    expect(harness.stored().settings.secureJsonFields).toEqual({ [tokenKey]: true });
    const tokenField = page.getByPlaceholder(tokenPlaceholder);
    expect(await tokenField.inputValue()).toBe('configured');
    expect(await tokenField.isDisabled()).toBe(true);
    expect(await page.content()).not.toContain(secret);
    expect(harness.answers.filter((a) => a.includes(secret))).toEqual([]);
    await shot('config-saved');
  });

  it('filters by event types from the dropdown, severity and a text filter, and shows the expected rows', async () => {
    const [create, remove] = await typeIds('Create PDP Context', 'Delete PDP Context');
    // The dropdown is filled from the simulator's /api/v1/event/type.
    await pick(hostIds.query, selectors.query.field('eventTypes'), ['Create PDP Context', 'Delete PDP Context'], 'PDP');
    await queryShows('two event types', (q) => Array.isArray(q.eventTypes) && q.eventTypes.length === 2);
    await shot('query-event-types');
    await page.keyboard.press('Escape');
    await pick(hostIds.query, selectors.query.field('severity'), ['INFO']);
    // The country as the tables and the exporter's label show it (ISO code), in any case.
    await page.locator(`${id(hostIds.query)} ${id(selectors.query.field('country'))}`).fill('de');
    await queryShows('the country', (q) => q.country === 'de');
    await format('Table');
    await queryShows('the table format with the country', (q) => q.format === 'table' && q.country === 'de');
    await runQuery();
    const want = await expected({ type: [create, remove], severity: 0, country: 'Germany' });
    expect(want.length).toBeGreaterThan(20);
    const rows = page.locator(id(hostIds.resultRows));
    expect(await rows.getAttribute('data-rows')).toBe(String(want.length));
    expect(await page.locator(id(hostIds.resultNotice)).count()).toBe(0);
    // The first rows are visible in the table, each a German PDP event.
    const table = page.locator(id(hostIds.results));
    for (const header of [
      'Time',
      'Severity',
      'Type',
      'Source',
      'Description',
      'Endpoint',
      'ICCID',
      'IMSI',
      'Operator',
      'Country',
      'Alert',
      'ID',
      'Country name',
    ]) {
      await expect(table.getByRole('columnheader', { name: header, exact: true }).count()).resolves.toBe(1);
    }
    // The first row shows its event as the API has it (ID, then IMSI, in the last columns).
    const cells = await table.getByRole('row').nth(1).getByRole('gridcell').allInnerTexts();
    const event = want.find((e) => String(e.id) === cells[10])!;
    expect(event).toBeDefined();
    expect(cells.slice(1, 9)).toEqual([
      'INFO',
      event.typeDescription,
      'Network',
      event.description,
      event.endpoint?.name ?? '',
      event.sim?.iccid ?? '',
      event.network!.operatorName,
      'DE',
    ]);
    expect(cells[11]).toBe(event.imsi?.imsi ?? '');
    // It fits the screen: no page scrolls sideways, and ID, Operator, Country and Alert are on it.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT);
    for (const header of ['Operator', 'Country', 'Alert', 'ID']) {
      const box = (await table.getByRole('columnheader', { name: header, exact: true }).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(VIEWPORT);
    }
    // No cell of the first rows cuts its text off: ids at full width, long descriptions wrapped.
    const clipped = await table.getByRole('row').evaluateAll((rows) =>
      rows.slice(1, 8).flatMap((row) =>
        Array.from(row.querySelectorAll('[role="gridcell"]'))
          .slice(0, 11)
          .flatMap((cell) => {
            const text = document.createRange();
            text.selectNodeContents(cell);
            const inner = text.getBoundingClientRect();
            const outer = cell.getBoundingClientRect();
            const fits =
              inner.left >= outer.left && inner.right <= outer.right + 0.5 && inner.bottom <= outer.bottom + 0.5;
            return fits ? [] : [cell.textContent ?? ''];
          })
      )
    );
    expect(clipped).toEqual([]);
    const longest = want.slice(0, 7).reduce((a, e) => (e.description.length > a.length ? e.description : a), '');
    expect(longest.length).toBeGreaterThan(40); // a description that must wrap to be read whole
    await shot('query-table');
  });

  it('shows an invalid filter from "More filters" in the editor and the panel, with no stale rows', async () => {
    const query = page.locator(id(hostIds.query));
    const more = query.locator(id(selectors.query.moreFilters));
    await more.getByRole('button', { name: 'More filters' }).click();
    await query.locator(id(selectors.query.field('imei'))).fill('3577620833012AB');
    const message = 'Invalid filter "imei": "3577620833012AB" is not an IMEI (expected up to 16 digits, nothing else)';
    expect(await query.locator(id(selectors.query.error)).innerText()).toContain(message);
    await runQuery();
    expect(await page.locator(id(hostIds.resultError)).innerText()).toBe(message);
    expect(await page.locator(id(hostIds.resultRows)).count()).toBe(0);
    expect(await more.getByRole('button', { name: 'More filters (1 set)' }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT);
    await shot('query-invalid-filter');
    await query.locator(id(selectors.query.field('imei'))).fill('');
    await more.getByRole('button', { name: 'More filters' }).click();
    await runQuery();
    expect(await page.locator(id(hostIds.resultError)).count()).toBe(0);
    expect(Number(await page.locator(id(hostIds.resultRows)).getAttribute('data-rows'))).toBeGreaterThan(20);
  });

  it('switches to counts over time and shows one series per type with the expected totals', async () => {
    const [create, remove] = await typeIds('Create PDP Context', 'Delete PDP Context');
    await format('Counts over time');
    await runQuery();
    const series = page.locator(`${id(hostIds.resultSeries)} [data-series]`);
    const got = Object.fromEntries(
      await series.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-series'), Number(e.getAttribute('data-total'))])
      )
    );
    expect(got).toEqual({
      'Create PDP Context': (await expected({ type: create, severity: 0, country: 'Germany' })).length,
      'Delete PDP Context': (await expected({ type: remove, severity: 0, country: 'Germany' })).length,
    });
    // The graph is drawn (uPlot renders into a canvas) with a legend entry per series.
    expect(await page.locator(`${id(hostIds.results)} canvas`).count()).toBeGreaterThan(0);
    await expect(
      page.locator(id(hostIds.results)).getByText('Create PDP Context', { exact: true }).count()
    ).resolves.toBeGreaterThan(0);
    await shot('query-counts');
  });

  it('runs annotation queries from the annotation editor (critical events by default)', async () => {
    await page.locator(id(hostIds.runAnnotations)).click();
    const count = page.locator(id(hostIds.annotationCount));
    await count.waitFor();
    expect(await count.getAttribute('data-count')).toBe(String((await expected({ severity: 2 })).length));
    await shot('annotations');
  });

  it('lists variable values from the variable editor: countries seen in the range', async () => {
    await pick(hostIds.variables, selectors.variable.kind, ['Countries']);
    await page.locator(id(hostIds.runVariable)).click();
    const values = page.locator(id(hostIds.variableValues));
    await values.waitFor();
    const all = await expected({});
    // ISO codes (as the exporter's label), each shown with the name the simulator's events carry.
    const countries = new Map(all.filter((e) => e.network).map((e) => [e.network!.countryIso, e.network!.countryName]));
    expect(await values.innerText()).toBe(
      [...countries.keys()]
        .sort()
        .map((iso) => `${iso} (${countries.get(iso)})`)
        .join(', ')
    );
    await shot('variable-countries');
  });

  it('runs every plugin panel and annotation of every provisioned dashboard on its defaults', async () => {
    await page.locator(id(hostIds.runDashboards)).click();
    const done = page.locator(id(hostIds.dashboardsDone));
    await done.waitFor({ timeout: 60_000 });
    const results = (
      await page
        .locator(id(hostIds.dashboardResult))
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-result')))
    ).map((r) => JSON.parse(r!) as DashboardResult);
    // Every plugin panel and annotation of every dashboard, each with the events the simulator has for
    // what it asks on the defaults ("All" and empty text boxes are no filter).
    const expectedRows: Array<{ dashboard: string; kind: string; title: string; target: SavedTarget }> =
      dashboards.flatMap(({ json }) => {
        const saved = json as unknown as SavedDashboard;
        return [
          ...pluginPanels(saved, 'emnify-events-datasource').map((p) => ({
            dashboard: saved.uid,
            kind: 'panel',
            title: p.title,
            target: p.targets![0],
          })),
          ...(saved.annotations?.list ?? [])
            .filter((a) => a.datasource?.type === 'emnify-events-datasource')
            .map((a) => ({ dashboard: saved.uid, kind: 'annotation', title: a.name, target: a.target! })),
        ];
      });
    expect(results.map((r) => [r.dashboard, r.kind, r.title])).toEqual(
      expectedRows.map((r) => [r.dashboard, r.kind, r.title])
    );
    expect(results.length).toBe(13);
    for (const [i, result] of results.entries()) {
      const want = await reference.listEvents({
        filter: { ...expectedFilter(expectedRows[i].target, {}), from: result.from, until: result.to },
        perPage: 1000,
      });
      expect(result).toEqual({ ...result, state: 'Done', error: undefined, events: want.events.length });
    }
    expect(results.find((r) => r.title === 'Events')!.events).toBe(6000);
    await page.locator(id(hostIds.dashboards)).scrollIntoViewIfNeeded();
    await shot('dashboards-defaults');
  });

  it('draws the explorer dashboard: every panel shows the simulator’s events, exact counts, links to the SIM and the Portal', async () => {
    await page.locator(id(hostIds.runExplorer)).click();
    await page.locator(id(hostIds.explorer)).waitFor({ timeout: 60_000 });
    const panels = page.locator(id(hostIds.explorerPanel));
    const results = (await panels.evaluateAll((els) => els.map((e) => e.getAttribute('data-result')))).map(
      (r) => JSON.parse(r!) as ExplorerPanelResult
    );
    const saved = dashboards.find((d) => d.json.uid === 'emnify-event-explorer')!.json as unknown as SavedDashboard;
    const plugin = pluginPanels(saved, 'emnify-events-datasource');
    expect(results.map((r) => r.title)).toEqual(plugin.map((p) => p.title));
    // Each panel shows what the simulator has for its query on the defaults, within its own range.
    for (const [i, r] of results.entries()) {
      const want = await reference.listEvents({
        filter: { ...expectedFilter(plugin[i].targets![0], {}), from: r.from, until: r.to },
        perPage: 1000,
      });
      expect(r).toEqual({ ...r, state: 'Done', error: undefined, shown: want.events.length });
    }
    const byTitle = (title: string) => results.find((r) => r.title === title)!;
    // The 24 h panels: the last 24 hours whatever the dashboard's range; the count exact, a whole number, red.
    const critical = byTitle('Critical events in the last 24 h');
    expect(critical.to - critical.from).toBe(24 * HOUR);
    const criticalEvents = await reference.listEvents({
      filter: { severity: 2, from: critical.from, until: critical.to },
      perPage: 1000,
    });
    expect(criticalEvents.events.length).toBeGreaterThan(0);
    expect({ text: critical.text, color: critical.color }).toEqual({
      text: String(criticalEvents.events.length),
      color: '#F2495C', // the theme's red: the threshold at 1
    });
    expect(
      byTitle('Critical events in the last 24 h: which SIM?').to -
        byTitle('Critical events in the last 24 h: which SIM?').from
    ).toBe(24 * HOUR);
    expect(byTitle('Matching events').text).toBe('6000');
    // Counts by country: the exporter's spelling (ISO codes), "none" for events without network.
    const countries = new Set(
      (await reference.listEvents({ filter: { from: range.from, until: range.to }, perPage: 1000 })).events.map(
        (e) => e.network?.countryIso || 'none'
      )
    );
    expect(new Set(byTitle('Events by country').series)).toEqual(countries);
    // Data links of the first critical event: its SIM's and endpoint's events here, and the emnify Portal.
    const which = byTitle('Critical events in the last 24 h: which SIM?');
    const { ICCID: iccid, Endpoint: endpoint } = which.firstRow!;
    expect(iccid).toMatch(/^\d{19,20}$/);
    const keep = 'var-datasource=emnify-events&from=now-24h&to=now&timezone=utc';
    expect(which.links!.ICCID).toEqual([
      { title: `Events of SIM ${iccid} (explorer)`, href: `/d/emnify-event-explorer?var-iccid=${iccid}&${keep}` },
      { title: 'SIM inventory (emnify Portal)', href: 'https://portal.emnify.com/sim-inventory' },
    ]);
    expect(which.links!.Endpoint).toEqual([
      {
        title: `Events of endpoint ${endpoint} (explorer)`,
        href: `/d/emnify-event-explorer?var-endpoint=${endpoint}&${keep}`,
      },
      {
        title: `${endpoint} in Connected Devices (emnify Portal)`,
        href: `https://portal.emnify.com/connected-devices?name=${encodeURIComponent(endpoint)}`,
      },
    ]);
    // Flapping devices: Grafana's groupBy and sortBy transformations, the most PDP context deletes first.
    const deletes = await reference.listEvents({
      filter: { type: 5, from: range.from, until: range.to },
      perPage: 1000,
    });
    const perEndpoint = new Map<string, number>();
    for (const e of deletes.events) {
      perEndpoint.set(e.endpoint?.name ?? '', (perEndpoint.get(e.endpoint?.name ?? '') ?? 0) + 1);
    }
    const most = Math.max(...perEndpoint.values());
    const flapping = byTitle('Devices with the most PDP context deletes (flapping)').firstRow!;
    expect(Object.keys(flapping)).toEqual(['Endpoint', 'ICCID', 'ID (count)']);
    expect({ deletes: Number(flapping['ID (count)']), of: perEndpoint.get(flapping.Endpoint) }).toEqual({
      deletes: most,
      of: most,
    });
    // A screenshot of each panel and of the whole dashboard.
    await page.locator(id(hostIds.explorer)).scrollIntoViewIfNeeded();
    for (const [i, r] of results.entries()) {
      await panels
        .nth(i)
        .screenshot({ path: join(SHOTS, `explorer-${String(i + 1).padStart(2, '0')}-${slug(r.title)}.png`) });
    }
    // The whole dashboard in one view (tables draw only the rows in view).
    const explorerBox = (await page.locator(id(hostIds.explorer)).boundingBox())!;
    await page.setViewportSize({ width: VIEWPORT, height: Math.ceil(explorerBox.height) + 100 });
    await page.locator(id(hostIds.explorer)).screenshot({ path: join(SHOTS, 'explorer-dashboard.png') });
    await page.setViewportSize({ width: VIEWPORT, height: 900 });
  });

  it('says when the page cap cut results off, and how to change it', async () => {
    await page.locator(id(selectors.config.pageSize)).fill('10');
    await page.locator(id(selectors.config.maxPages)).fill('2');
    expect(await saveAndTest()).toMatch(
      mode === 'direct' ? /^Connected to the emnify API directly/ : /^Connected through the events gateway/
    );
    await format('Table');
    await runQuery();
    const [create, remove] = await typeIds('Create PDP Context', 'Delete PDP Context');
    const all = await expected({ type: [create, remove], severity: 0, country: 'Germany' });
    const total = all.length;
    expect(await page.locator(id(hostIds.resultRows)).getAttribute('data-rows')).toBe('20');
    expect(await page.locator(id(hostIds.resultNotice)).innerText()).toBe(
      `Showing the newest 20 of ${total} events: the data source reads at most 2 page(s) per query. Narrow the time range or the filters, or raise "Maximum pages per query" in the data source settings.`
    );
    // Newest first: the rows kept are the latest events, the cap left out the oldest.
    const cells = await page.locator(id(hostIds.results)).getByRole('row').nth(1).getByRole('gridcell').allInnerTexts();
    expect(cells[10]).toBe(String(Math.max(...all.map((e) => e.id)))); // the ID column
    await shot('page-cap-notice');
  });

  it('names a bad token in the health check', async () => {
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByPlaceholder(tokenPlaceholder).fill(BAD_TOKEN);
    expect(await saveAndTest()).toBe(
      mode === 'direct'
        ? 'Bad application token: emnify rejected it. Paste a valid, unrevoked application token (emnify Portal → Integrations → Application Tokens) and save again. Three failed attempts lock authentication for 5 minutes.'
        : `Wrong gateway token: the events gateway at ${exporter!.url} refused the token stored in this data source (Grafana's proxy answered 400 "Authentication to data source failed" for the gateway's 401). Paste the exporter's gateway token (EXPORTER_GATEWAY_TOKEN, or the file EXPORTER_GATEWAY_TOKEN_FILE names) and save again.`
    );
    expect(harness.stored().secureJsonData).toEqual({ [tokenKey]: BAD_TOKEN });
    // The new instance's event type lookup fails too: the editor says so in a block that wraps, and
    // nothing pushes the page wider than the screen.
    const typesError = page.locator(`${id(hostIds.query)} ${id(selectors.query.typesError)}`);
    await typesError.waitFor();
    expect(await typesError.innerText()).toContain('Event types could not be loaded');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT);
    expect(
      harness.answers.filter(
        (a) => a.includes(BAD_TOKEN) || a.includes(sim.applicationToken) || a.includes(GATEWAY_TOKEN)
      )
    ).toEqual([]);
    await shot('health-bad-token');
  });

  it('left nothing in the console but the refused token (Grafana’s 400 for the upstream’s 401)', () => {
    // Chrome logs every non-2xx answer as a console error; the only ones expected are the proxy's answers
    // to the bad token: the upstream said 401, Grafana's data source proxy turns that into a 400. In direct
    // mode that is one authentication (then the cool-down); in gateway mode each read with the bad token
    // (the health check's and the type lookup's).
    const prefix = `/api/datasources/proxy/uid/${DS_UID}/`;
    const refused =
      mode === 'direct' ? [`${prefix}emnify-auth`] : [`${prefix}gateway-event`, `${prefix}gateway-event/type`];
    expect([...new Set(failedResponses.map((r) => `${r.status} ${r.url}`))].sort()).toEqual(
      refused.map((u) => `400 ${u}`)
    );
    expect(consoleErrors.length).toBe(failedResponses.length);
    for (const error of consoleErrors) {
      expect(error).toEqual({
        text: 'Failed to load resource: the server responded with a status of 400 (Bad Request)',
        url: expect.stringMatching(new RegExp(`${prefix}(emnify|gateway)-`)),
      });
    }
  });

  it('sent the browser no credential it should not hold', () => {
    expect(apiAnswers.length).toBeGreaterThan(20);
    for (const answer of apiAnswers) {
      expect(answer).not.toContain(sim.applicationToken);
      expect(answer).not.toContain(GATEWAY_TOKEN);
    }
    const withJwt = apiAnswers.filter((a) => JWT.test(a));
    if (mode === 'direct') {
      // Direct mode hands the browser emnify's JWT (src/README.md, "Security": its residual risk).
      expect(withJwt.length).toBeGreaterThan(0);
    } else {
      // Gateway mode: no response the browser received holds a JWT, the application token or the gateway token.
      expect(withJwt).toEqual([]);
      expect(harness.proxied.filter((p) => !/^gateway-(event|endpoint|sim|user)(\/|\?|$)/.test(p.path))).toEqual([]);
    }
  });
});
