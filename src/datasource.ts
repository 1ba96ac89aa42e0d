import { AdHocVariableFilter, CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';

import { interpolateTarget } from './interpolation/target';

import { DEFAULT_QUERY, TriageOptions, TriageQuery } from './types';

export class DataSource extends DataSourceWithBackend<TriageQuery, TriageOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<TriageOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(_: CoreApp): Partial<TriageQuery> {
    return DEFAULT_QUERY;
  }

  applyTemplateVariables(query: TriageQuery, scopedVars: ScopedVars, filters?: AdHocVariableFilter[]): TriageQuery {
    return interpolateTarget(query, scopedVars, filters);
  }

  filterQuery(query: TriageQuery): boolean {
    return !query.hide;
  }
}
