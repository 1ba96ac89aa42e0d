import { CustomVariableSupport, DataQueryRequest, DataQueryResponse } from '@grafana/data';
import { Observable } from 'rxjs';

import type { DataSource } from '../datasource';
import { TriageQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

/**
 * Query variables list a field's values with a `fieldValues` query run by
 * the backend; the filter query may use other variables, so variables chain.
 */
export class TriageVariableSupport extends CustomVariableSupport<DataSource, TriageQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<TriageQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.map((t) => ({
      ...t,
      queryType: 'fieldValues' as const,
      index: t.index || this.datasource.defaultIndex,
    }));
    return this.datasource.query({ ...request, targets });
  }
}
