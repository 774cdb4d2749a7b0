import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import type { DataSource } from '../datasource';
import { EmnifyDataSourceOptions, EmnifyQuery } from '../types';
import { QueryEditor } from './QueryEditor';

/**
 * The annotation query editor: the query editor's filters, with the output fixed to annotations
 * (each event becomes one annotation: its type as title, its description as text, tags for type,
 * severity, endpoint and country).
 */
export function AnnotationQueryEditor(props: QueryEditorProps<DataSource, EmnifyQuery, EmnifyDataSourceOptions>) {
  return <QueryEditor {...props} fixedFormat="annotations" />;
}
