/**
 * The emnify Events data source. It orchestrates only: interpolate → validate (the shared client) →
 * read all pages through Grafana's proxy (shared, cached, rate limited) → frames.
 */
import { EmnifyClient, EmnifyClientOptions, EventList, EventTypeInfo, EventTypeNames } from '@emnify-events/client';
import {
  DataFrame,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  ScopedVars,
  TestDataSourceResponse,
} from '@grafana/data';
import { BackendSrv, TemplateSrv, getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';
import { dataSourceTransport } from './api/proxyTransport';
import { SharedRequests } from './api/sharedRequests';
import { healthCheckMessage, queryErrorMessage } from './errors';
import { connectionMode } from './api/connection';
import { effectiveApiUrl } from './api/apiUrl';
import { toFrames, totalFrame } from './frames/toFrames';
import { FieldDomains, fieldDomains } from './query/anyValue';
import { withEventTypeIds } from './query/eventTypeNames';
import { interpolateQuery } from './query/interpolate';
import { normaliseQuery } from './query/normalise';
import { toEventQuery } from './query/toEventQuery';
import { DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, DEFAULT_QUERY, EmnifyDataSourceOptions, EmnifyQuery } from './types';
import { EmnifyVariableSupport } from './variables';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';

export class DataSource extends DataSourceApi<EmnifyQuery, EmnifyDataSourceOptions> {
  readonly client: EmnifyClient;
  readonly pageSize: number;
  readonly maxPages: number;
  private readonly jsonData: EmnifyDataSourceOptions;
  private readonly lists = new SharedRequests<EventList>(30_000);
  private readonly totals = new SharedRequests<number>(30_000);
  private readonly typeLookup = new SharedRequests<EventTypeInfo[]>(3_600_000);
  /** The complete value sets of fields, with the event types of the last lookup ("All" means any, anyValue.ts). */
  private domains: FieldDomains = fieldDomains();

  constructor(
    instanceSettings: DataSourceInstanceSettings<EmnifyDataSourceOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv(),
    backend: () => BackendSrv = getBackendSrv,
    clientOptions: Partial<EmnifyClientOptions> = {}
  ) {
    super(instanceSettings);
    this.pageSize = instanceSettings.jsonData.pageSize ?? DEFAULT_PAGE_SIZE;
    this.maxPages = instanceSettings.jsonData.maxPages ?? DEFAULT_MAX_PAGES;
    this.jsonData = instanceSettings.jsonData;
    // One client per data source: one JWT (direct mode), one rate limiter for every panel using it. In
    // gateway mode the route adds the gateway token: the client sends no credential and never
    // authenticates. Settings that cannot work refuse every request with a message saying how to fix them.
    this.client = new EmnifyClient({
      transport: dataSourceTransport(instanceSettings, backend),
      credentialByTransport: connectionMode(instanceSettings.jsonData) === 'gateway',
      ...clientOptions,
    });
    const defaultAnnotation = () => normaliseQuery({ format: 'annotations' as const, severity: '2' });
    this.annotations = {
      QueryEditor: AnnotationQueryEditor,
      // New annotation queries start as "critical events"; stored ones always run as annotations.
      getDefaultQuery: defaultAnnotation,
      // Grafana spreads getDefaultQuery() onto the annotation itself and stores `target` only once the
      // user changed something (grafana/scenes standardAnnotationQuery.ts executeAnnotationQuery): an
      // annotation without `target` runs the default query.
      prepareQuery: (annotation) =>
        normaliseQuery({ refId: 'Anno', ...(annotation.target ?? defaultAnnotation()), format: 'annotations' }),
    };
    this.variables = new EmnifyVariableSupport(this);
  }

  getDefaultQuery(): Partial<EmnifyQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: EmnifyQuery): boolean {
    return !query.hide;
  }

  /** The event type lookup (cached for an hour). */
  async getEventTypes(signal?: AbortSignal): Promise<EventTypeInfo[]> {
    const types = await this.typeLookup.get('types', (s) => this.client.getEventTypes(s), signal);
    this.domains = fieldDomains(types);
    return types;
  }

  /**
   * For Explore and alerting, which take a dashboard's queries with their variables replaced. A query
   * whose variable does not fit its field (several values in a one-value field) keeps its variables, so
   * the user sees them; running it then names the problem.
   */
  interpolateVariablesInQueries(queries: EmnifyQuery[], scopedVars: ScopedVars): EmnifyQuery[] {
    return queries.map((q) => {
      try {
        return interpolateQuery(q, this.templateSrv, scopedVars, this.domains);
      } catch {
        return q;
      }
    });
  }

  query(request: DataQueryRequest<EmnifyQuery>): Observable<DataQueryResponse> {
    return new Observable<DataQueryResponse>((subscriber) => {
      const abort = new AbortController();
      this.run(request, abort.signal).then(
        (response) => {
          subscriber.next(response);
          subscriber.complete();
        },
        (err) => subscriber.error(err)
      );
      // A panel that re-queries unsubscribes: cancel what this query still waits for.
      return () => abort.abort();
    });
  }

  /** Events of one query within the request's range (all pages up to maxPages). */
  async fetchEvents(query: EmnifyQuery, range: { from: number; to: number }, signal?: AbortSignal): Promise<EventList> {
    const eventQuery = toEventQuery(query, range, this.pageSize);
    const key = JSON.stringify(eventQuery);
    return this.lists.get(
      key,
      (s) => this.client.listEvents(eventQuery, { maxPages: this.maxPages, signal: s }),
      signal
    );
  }

  /**
   * How many events match a query within the range, exactly: the API's `x-total-count` of a one-event
   * page (one request, whatever the number; the page cap does not apply).
   */
  async fetchTotal(query: EmnifyQuery, range: { from: number; to: number }, signal?: AbortSignal): Promise<number> {
    const eventQuery = toEventQuery(query, range, 1);
    return this.totals.get(
      JSON.stringify(eventQuery),
      async (s) => (await this.client.getEventPage(eventQuery, s)).paging.totalCount,
      signal
    );
  }

  private async run(request: DataQueryRequest<EmnifyQuery>, signal: AbortSignal): Promise<DataQueryResponse> {
    const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
    const data: DataFrame[] = [];
    const errors: DataQueryError[] = [];
    const typeList = await this.getEventTypes(signal).catch((): EventTypeInfo[] => []);
    const types = new EventTypeNames(typeList);
    const context = { types, range, intervalMs: request.intervalMs, maxPages: this.maxPages };
    await Promise.all(
      request.targets
        .filter((t) => this.filterQuery(t))
        .map(async (target) => {
          try {
            const query = withEventTypeIds(
              interpolateQuery(normaliseQuery(target), this.templateSrv, request.scopedVars, this.domains),
              typeList
            );
            if (query.format === 'total') {
              data.push(totalFrame(await this.fetchTotal(query, range, signal), query.refId));
            } else {
              data.push(...toFrames(query, await this.fetchEvents(query, range, signal), context));
            }
          } catch (err) {
            if (!signal.aborted) {
              errors.push({ refId: target.refId, message: queryErrorMessage(err, this.jsonData) });
            }
          }
        })
    );
    // `errors` only: DataQueryResponse.error is deprecated in favour of it (@grafana/data 12.4).
    return { data, errors: errors.length ? errors : undefined };
  }

  /** "Save & test": authenticate (direct mode), then read one event of the last hour; the message names the mode tested. */
  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      await this.client.authenticate();
      const now = Date.now();
      const page = await this.client.getEventPage({ filter: { from: now - 3_600_000, until: now }, perPage: 1 });
      const events = `${page.paging.totalCount} event(s) in the last hour.`;
      return {
        status: 'success',
        message:
          connectionMode(this.jsonData) === 'gateway'
            ? `Connected through the events gateway at ${String(this.jsonData.gatewayUrl)}: the gateway token is valid and the gateway reads emnify; ${events} This browser holds no emnify credential.`
            : `Connected to the emnify API directly at ${effectiveApiUrl(this.jsonData.apiUrl)}: the application token is valid; ${events}`,
      };
    } catch (err) {
      return { status: 'error', message: healthCheckMessage(err, this.jsonData) };
    }
  }
}
