/**
 * Stand-ins for the Grafana services that @grafana/scenes (and so a dashboard) calls to run a data
 * source: the data source registry and runRequest. Both live in Grafana's core, not on npm. No Node
 * import: the browser host uses them too.
 */
import {
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  DataTopic,
  LoadingState,
  PanelData,
  ScopedVars,
} from '@grafana/data';
import {
  DataSourceSrv,
  TemplateSrv,
  getRunRequest,
  getTemplateSrv,
  setDataSourceSrv,
  setRunRequest,
  setTemplateSrv,
} from '@grafana/runtime';
import { Observable, from } from 'rxjs';
import { DataSourceRef } from '@grafana/schema';

/**
 * public/app/features/query/state/runRequest.ts runRequest/processResponsePacket: the data source's
 * answers become PanelData: `Error` state with `error`/`errors` when an answer has either, frames whose
 * meta says `dataTopic: annotations` go to `annotations`, a thrown error becomes an error state
 * (toDataQueryError). The 200 ms loading state and the query analytics are left out.
 */
export function runRequest(
  datasource: DataSourceApi,
  request: DataQueryRequest,
  queryFunction?: (request: DataQueryRequest) => Observable<DataQueryResponse> | Promise<DataQueryResponse>
): Observable<PanelData> {
  return new Observable<PanelData>((subscriber) => {
    const packets: Record<string, DataQueryResponse> = {};
    const emit = () => {
      let state = LoadingState.Done;
      let error: DataQueryError | undefined;
      let errors: DataQueryError[] | undefined;
      const series: PanelData['series'] = [];
      const annotations: PanelData['series'] = [];
      for (const packet of Object.values(packets)) {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- Grafana still reads the deprecated field.
        const packetError = packet.error;
        if (packetError || packet.errors?.length) {
          state = LoadingState.Error;
          error = packetError;
          errors = packet.errors;
        }
        for (const frame of packet.data ?? []) {
          (frame.meta?.dataTopic === DataTopic.Annotations ? annotations : series).push(frame);
        }
      }
      // Grafana still fills the deprecated `error` beside `errors`; so does this stand-in.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      subscriber.next({ state, series, annotations, error, errors, request, timeRange: request.range });
    };
    const run = queryFunction ?? ((r: DataQueryRequest) => datasource.query(r));
    const subscription = from(run(request)).subscribe({
      next: (packet) => {
        packets[packet.key ?? packet.data?.[0]?.refId ?? 'A'] = packet;
        emit();
      },
      error: (err: unknown) => {
        const message = err instanceof Error ? err.message : String((err as { message?: string })?.message ?? err);
        subscriber.next({
          state: LoadingState.Error,
          series: [],
          // eslint-disable-next-line @typescript-eslint/no-deprecated
          error: { message },
          errors: [{ message }],
          request,
          timeRange: request.range,
        });
        subscriber.complete();
      },
      complete: () => subscriber.complete(),
    });
    return () => subscription.unsubscribe();
  });
}

/**
 * public/app/features/plugins/datasource_srv.ts DatasourceSrv, for the data sources of one test: `get`
 * by ref (uid), by uid or by name; `getInstanceSettings` likewise; no default data source. A uid holding a
 * variable (`${datasource}`) is interpolated with the registered TemplateSrv first, as getInstanceSettings does.
 */
/** Any data source instance, whatever its query and options types. */
export type AnyDataSource = Pick<DataSourceApi, 'uid' | 'name' | 'type' | 'meta'>;

/** The frontend settings of an instance, as much of them as the instance itself knows. */
const settingsOf = (ds: AnyDataSource) =>
  ({
    uid: ds.uid,
    name: ds.name,
    type: ds.type,
    meta: ds.meta,
    access: 'proxy',
    jsonData: {},
  }) as unknown as DataSourceInstanceSettings;

export function dataSourceSrvFor(instances: AnyDataSource[]): DataSourceSrv {
  const find = (ref?: DataSourceRef | string | null, scopedVars?: ScopedVars) => {
    const raw = typeof ref === 'string' ? ref : ref?.uid;
    const key = raw?.includes('$') ? getTemplateSrv().replace(raw, scopedVars) : raw;
    return instances.find((ds) => ds.uid === key || ds.name === key);
  };
  return {
    get: async (ref?: DataSourceRef | string | null, scopedVars?: ScopedVars) => {
      const ds = find(ref, scopedVars);
      if (!ds) {
        throw new Error(`Datasource ${JSON.stringify(ref)} was not found`);
      }
      return ds;
    },
    getInstanceSettings: (ref?: DataSourceRef | string | null, scopedVars?: ScopedVars) => {
      const ds = find(ref, scopedVars);
      return ds ? settingsOf(ds) : undefined;
    },
    getList: () => instances.map(settingsOf),
    reload: () => undefined,
    registerRuntimeDataSource: () => undefined,
  } as unknown as DataSourceSrv;
}

/**
 * Registers the services a dashboard's scene needs, as Grafana does at start-up. runRequest is set once
 * (@grafana/runtime refuses a second time outside tests, as in Grafana); the data sources and the
 * TemplateSrv may be replaced (a saved data source is a new instance).
 */
export function registerGrafanaServices(instances: AnyDataSource[], templateSrv: TemplateSrv): void {
  setDataSourceSrv(dataSourceSrvFor(instances));
  if (!hasRunRequest()) {
    setRunRequest(runRequest);
  }
  setTemplateSrv(templateSrv);
}

function hasRunRequest(): boolean {
  try {
    return getRunRequest() !== undefined;
  } catch {
    return false;
  }
}
