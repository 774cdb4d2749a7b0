import { DataSourcePlugin } from '@grafana/data';
import { DataSource } from './datasource';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { EmnifyDataSourceOptions, EmnifyQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, EmnifyQuery, EmnifyDataSourceOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
