import { useEffect, useState } from 'react';
import { ComboboxOption } from '@grafana/ui';
import type { DataSource } from '../../datasource';
import { describeError } from '../../errors';

export interface EventTypeOptions {
  options: Array<ComboboxOption<string>>;
  /** Why the lookup failed, when it did. */
  error?: string;
}

/**
 * The event types of the data source's lookup as options. Starts empty for each data source instance
 * (Grafana makes a new one when its settings are saved), so neither the options nor the error of a
 * previous instance outlive it.
 */
export function useEventTypeOptions(datasource: Pick<DataSource, 'getEventTypes'>): EventTypeOptions {
  const [state, setState] = useState<EventTypeOptions & { for?: unknown }>({ options: [] });
  useEffect(() => {
    let live = true;
    datasource.getEventTypes().then(
      (list) =>
        live &&
        setState({
          for: datasource,
          options: list.map((t) => ({ label: t.description, value: String(t.id), description: `id ${t.id}` })),
        }),
      (err: unknown) => live && setState({ for: datasource, options: [], error: describeError(err) })
    );
    return () => {
      live = false;
    };
  }, [datasource]);
  return state.for === datasource ? state : { options: [] };
}
