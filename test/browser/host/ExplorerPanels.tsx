/**
 * The explorer dashboard (dashboards/emnify-event-explorer.json) drawn as Grafana draws it, for the
 * browser test's screenshots: its scene (test/grafana/dashboardScene.ts) on the default variables runs
 * each plugin panel; each panel's data gets the dashboard's field config (defaults and overrides, data
 * links interpolated by the scene as a VizPanel does) through @grafana/data's applyFieldOverrides, and
 * is drawn at its grid position with @grafana/ui's BigValue (stat), TableNG (table), TimeSeries
 * (timeseries), or as log lines (the logs panel is Grafana core, not on npm), after the panel's
 * transformations (@grafana/data's transformDataFrame, Grafana's standard transformers). Each panel element carries
 * what it shows in data attributes for the test's assertions.
 */
import React from 'react';
import {
  DataFrame,
  FieldColorModeId,
  FieldConfigOptionsRegistry,
  FieldConfigProperty,
  FieldConfigPropertyItem,
  FieldConfigSource,
  DataTransformerConfig,
  PanelData,
  applyFieldOverrides,
  createTheme,
  dataLinksOverrideProcessor,
  dateTime,
  identityOverrideProcessor,
  standardTransformers,
  standardTransformersRegistry,
  transformDataFrame,
} from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import {
  Alert,
  BigValue,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  TimeSeries,
} from '@grafana/ui';
import { TableNG } from '@grafana/ui/unstable';
import { LegendDisplayMode } from '@grafana/schema';
import { SavedDashboard, SavedPanel, SavedTarget, dashboardScene, pluginPanels } from '../../grafana/dashboardScene';
import { shownEvents } from '../../support/panelModel';
import { ExplorerPanelResult, hostIds } from './ids';

const theme = createTheme({ colors: { mode: 'dark' } });
/** The dashboard's grid (24 columns) on the host page's width; Grafana's row height is 30 px plus 8 px margin. */
const WIDTH = 1248;
const ROW = 38;

/**
 * The standard field options the dashboards set (Grafana core registers them all at start-up,
 * public/app/core/components/OptionsUI/registry.tsx getAllStandardFieldConfigs): each applied as is,
 * links through @grafana/data's own processor.
 */
const STANDARD = new FieldConfigOptionsRegistry(() =>
  [
    FieldConfigProperty.DisplayName,
    FieldConfigProperty.Unit,
    FieldConfigProperty.Decimals,
    FieldConfigProperty.Min,
    FieldConfigProperty.Max,
    FieldConfigProperty.Thresholds,
    FieldConfigProperty.Color,
    FieldConfigProperty.NoValue,
    FieldConfigProperty.Links,
  ].map(
    (id) =>
      ({
        id,
        path: id,
        name: id,
        process: id === FieldConfigProperty.Links ? dataLinksOverrideProcessor : identityOverrideProcessor,
        shouldApply: () => true,
        override: () => null,
        editor: () => null,
      }) as unknown as FieldConfigPropertyItem
  )
);

// Grafana core registers the standard transformers at start-up (public/app/features/transformers/standardTransformers.ts):
// here the two the explorer uses.
standardTransformersRegistry.setInit(() =>
  [standardTransformers.groupByTransformer, standardTransformers.sortByTransformer].map((transformation) => ({
    id: transformation.id,
    aliasIds: transformation.aliasIds,
    name: transformation.name,
    description: transformation.description,
    transformation,
    editor: () => null,
    imageDark: '',
    imageLight: '',
  }))
);

interface FullPanel extends SavedPanel {
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: FieldConfigSource;
  transformations?: DataTransformerConfig[];
}

/** Runs every plugin panel of the explorer on its defaults and draws them. */
export async function runExplorer(pluginId: string): Promise<ExplorerView> {
  const json = (await (await fetch('/dashboards/emnify-event-explorer.json')).json()) as SavedDashboard;
  const run = dashboardScene(json);
  await run.load();
  const panels: ExplorerView['panels'] = [];
  for (const panel of pluginPanels(json, pluginId) as FullPanel[]) {
    const data = await run.runPanel(panel);
    // The order a dashboard panel follows: the panel's transformations first (@grafana/scenes
    // SceneDataTransformer.transform, transformDataFrame), then the field config (VizPanel.applyFieldConfig,
    // applyFieldOverrides with the panel plugin's registry and VizPanel.interpolate as replaceVariables).
    const transformed = panel.transformations?.length
      ? await lastValueFrom(transformDataFrame(panel.transformations, data.series))
      : data.series;
    const frames = applyFieldOverrides({
      data: transformed,
      fieldConfig: {
        defaults: { color: { mode: FieldColorModeId.PaletteClassic }, ...panel.fieldConfig?.defaults },
        overrides: panel.fieldConfig?.overrides ?? [],
      },
      fieldConfigRegistry: STANDARD,
      // As a VizPanel interpolates: the scene's variables, the data link's own (${__value.raw}, ...).
      replaceVariables: (text, scopedVars, format) => run.interpolate(text, scopedVars, format as string | undefined),
      theme,
      timeZone: 'utc',
    });
    panels.push({ panel, data, frames });
  }
  return { panels };
}

export interface ExplorerView {
  panels: Array<{ panel: FullPanel; data: PanelData; frames: DataFrame[] }>;
}

/** The links of the first row's cell of `column` in a table frame: title and href. */
function firstRowLinks(frame: DataFrame | undefined, column: string) {
  const field = frame?.fields.find((f) => f.name === column);
  return field?.getLinks?.({ valueRowIndex: 0 }).map((l) => ({ title: l.title, href: l.href })) ?? [];
}

function PanelBody({ panel, frames, width, height }: FullPanelProps) {
  const format = (panel.targets as SavedTarget[])[0].format;
  if (panel.type === 'stat') {
    const field = frames[0]?.fields[0];
    const value = field?.values[0] as number | undefined;
    const display = field?.display?.(value);
    return display ? (
      <BigValue
        theme={theme}
        value={display}
        width={width}
        height={height}
        colorMode={BigValueColorMode.Background}
        graphMode={BigValueGraphMode.None}
        justifyMode={BigValueJustifyMode.Center}
        textMode={BigValueTextMode.Value}
      />
    ) : null;
  }
  if (panel.type === 'table') {
    return frames[0] ? <TableNG data={frames[0]} width={width} height={height} /> : null;
  }
  if (panel.type === 'timeseries' && format === 'counts') {
    return frames.length > 0 ? (
      <TimeSeries
        frames={frames}
        width={width}
        height={height}
        timeZone="utc"
        timeRange={{
          from: panelRange(frames).from,
          to: panelRange(frames).to,
          raw: { from: panelRange(frames).from, to: panelRange(frames).to },
        }}
        legend={{ displayMode: LegendDisplayMode.List, placement: 'bottom', showLegend: true, calcs: [] }}
      />
    ) : null;
  }
  // Log lines: time, level, body.
  const frame = frames[0];
  const rows = Math.min(frame?.length ?? 0, Math.floor(height / 20));
  return (
    <div style={{ fontFamily: 'monospace', fontSize: 12, overflow: 'hidden', height }}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} style={{ whiteSpace: 'nowrap' }}>
          {`${new Date(frame!.fields[0].values[i] as number).toISOString()} ${String(frame!.fields[2].values[i])} ${String(frame!.fields[1].values[i])}`}
        </div>
      ))}
    </div>
  );
}

interface FullPanelProps {
  panel: FullPanel;
  frames: DataFrame[];
  width: number;
  height: number;
}

/** The range a series of counts spans (its first and last bucket). */
function panelRange(frames: DataFrame[]) {
  const times = frames[0].fields[0].values as number[];
  return { from: dateTime(times[0]), to: dateTime(times[times.length - 1]) };
}

/** The explorer's panels at their grid positions, each with what it shows in `data-result`. */
export function ExplorerPanels({ view }: { view: ExplorerView }) {
  const bottom = Math.max(...view.panels.map((p) => p.panel.gridPos.y + p.panel.gridPos.h));
  return (
    <div data-testid={hostIds.explorer} style={{ position: 'relative', width: WIDTH, height: bottom * ROW }}>
      {view.panels.map(({ panel, data, frames }) => {
        const { x, y, w, h } = panel.gridPos;
        const width = (w / 24) * WIDTH - 8;
        // The panel's box, less its title bar.
        const height = h * ROW - 8 - 28;
        const format = (panel.targets as SavedTarget[])[0].format;
        const stat = frames[0]?.fields[0]?.display?.(frames[0].fields[0].values[0]);
        const result: ExplorerPanelResult = {
          title: panel.title,
          state: data.state,
          error: data.errors?.[0]?.message,
          shown: shownEvents(data.series, format),
          from: data.request?.range.from.valueOf() ?? 0,
          to: data.request?.range.to.valueOf() ?? 0,
          text: stat ? `${stat.prefix ?? ''}${stat.text}${stat.suffix ?? ''}` : undefined,
          color: stat?.color,
          series: format === 'counts' ? frames.map((f) => f.name ?? '') : undefined,
          links:
            panel.type === 'table'
              ? Object.fromEntries(
                  ['ICCID', 'Endpoint', 'Country', 'Operator', 'Type'].map((c) => [c, firstRowLinks(frames[0], c)])
                )
              : undefined,
          firstRow:
            panel.type === 'table' && frames[0]
              ? Object.fromEntries(frames[0].fields.map((f) => [f.name, String(f.values[0] ?? '')]))
              : undefined,
        };
        return (
          <div
            key={panel.id}
            data-testid={hostIds.explorerPanel}
            data-title={panel.title}
            data-result={JSON.stringify(result)}
            style={{
              position: 'absolute',
              left: (x / 24) * WIDTH,
              top: y * ROW,
              width,
              height: height + 28,
              boxSizing: 'border-box',
              background: theme.colors.background.primary,
              border: `1px solid ${theme.colors.border.weak}`,
              borderRadius: 2,
              overflow: 'hidden',
            }}
          >
            <div style={{ padding: '4px 8px', fontWeight: 500 }}>
              {panel.title}
              {panel.timeFrom ? (
                <span style={{ color: theme.colors.text.link, marginLeft: 8 }}>{`Last ${panel.timeFrom}`}</span>
              ) : null}
            </div>
            {data.errors?.length ? (
              <Alert severity="error" title={data.errors[0].message ?? 'Query failed'} />
            ) : (
              <PanelBody panel={panel} frames={frames} width={width - 2} height={height} />
            )}
          </div>
        );
      })}
    </div>
  );
}
