import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { DEFAULT_QUERY, TriageOptions, TriageQuery } from './types';

export class DataSource extends DataSourceWithBackend<TriageQuery, TriageOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<TriageOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(_: CoreApp): Partial<TriageQuery> {
    return DEFAULT_QUERY;
  }

  applyTemplateVariables(query: TriageQuery, scopedVars: ScopedVars): TriageQuery {
    return {
      ...query,
      query: getTemplateSrv().replace(query.query ?? '', scopedVars, 'lucene'),
    };
  }

  filterQuery(query: TriageQuery): boolean {
    return !query.hide;
  }
}
