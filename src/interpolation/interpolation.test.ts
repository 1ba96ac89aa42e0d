import { AdHocVariableFilter, ScopedVars } from '@grafana/data';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { useSceneVariables, VariableSpec } from './sceneTemplateSrv';
import { interpolateTarget } from './target';

interface GoldenCase {
  name: string;
  query: string;
  variables?: Record<string, VariableSpec>;
  scopedVars?: ScopedVars;
  filters?: AdHocVariableFilter[];
  expected: string;
  /** pkg/query.Print(pkg/query.Parse(expected)), checked by test/interpolation_test.go. */
  canonical?: string;
}

interface Golden {
  variables: Record<string, VariableSpec>;
  cases: GoldenCase[];
}

const goldenPath = join(__dirname, 'testdata', 'interpolation.golden.json');
const golden: Golden = JSON.parse(readFileSync(goldenPath, 'utf8'));

describe('interpolation golden cases through @grafana/scenes', () => {
  const actual: string[] = [];
  afterAll(() => {
    // UPDATE_GOLDEN=1 rewrites the expected texts; review the diff before committing.
    if (process.env.UPDATE_GOLDEN) {
      golden.cases.forEach((c, i) => (c.expected = actual[i]));
      writeFileSync(goldenPath, JSON.stringify(golden, null, 2) + '\n');
    }
  });

  it.each(golden.cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    useSceneVariables({ ...golden.variables, ...c.variables });
    const out = interpolateTarget({ refId: 'A', query: c.query }, c.scopedVars, c.filters);
    actual[i] = out.query ?? '';
    if (!process.env.UPDATE_GOLDEN) {
      expect(out.query).toBe(c.expected);
    }
  });
});

describe('non-query fields', () => {
  it('get plain formatting and keep backend macros', () => {
    useSceneVariables(golden.variables);
    const out = interpolateTarget(
      {
        refId: 'A',
        queryType: 'timeseries',
        index: '$service',
        interval: '$__interval',
        field: '${fieldname}',
        metrics: [{ type: 'avg', field: '$fieldname' }],
        groupBy: [{ field: '$services', size: 10 }],
        heatmap: { field: '$fieldname', count: 10 },
      },
      undefined
    );
    expect(out.index).toBe('payment');
    expect(out.interval).toBe('$__interval');
    expect(out.field).toBe('k8s.pod.name');
    expect(out.metrics).toEqual([{ type: 'avg', field: 'k8s.pod.name' }]);
    expect(out.groupBy).toEqual([{ field: 'payment,auth', size: 10 }]);
    expect(out.heatmap).toEqual({ field: 'k8s.pod.name', count: 10 });
  });
});
