import { AdHocVariableFilter, ScopedVars } from '@grafana/data';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { escapeTerm, quotePhrase } from './escape';
import { installSceneVariables, VariableSpec } from './sceneTemplateSrv';
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

/** One value escaped in each place a variable can put it; test/interpolation_test.go parses each back. */
interface EscapeCase {
  value: string;
  inField?: string;
  inFreeText?: string;
  inSet?: string;
  inPhrase?: string;
}

interface Golden {
  variables: Record<string, VariableSpec>;
  cases: GoldenCase[];
  escapes: EscapeCase[];
}

const goldenPath = join(__dirname, 'testdata', 'interpolation.golden');
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
    installSceneVariables({ ...golden.variables, ...c.variables });
    const out = interpolateTarget({ refId: 'A', query: c.query }, c.scopedVars, c.filters);
    actual[i] = out.query ?? '';
    if (!process.env.UPDATE_GOLDEN) {
      expect(out.query).toBe(c.expected);
    }
  });
});

describe('escaping matches the Go printer', () => {
  afterAll(() => {
    if (process.env.UPDATE_GOLDEN) {
      writeFileSync(goldenPath, JSON.stringify(golden, null, 2) + '\n');
    }
  });

  it.each(golden.escapes.map((e) => [JSON.stringify(e.value), e] as const))('%s', (_name, e) => {
    const got: EscapeCase = {
      value: e.value,
      inField: 'k:' + escapeTerm(e.value, 'value'),
      inFreeText: escapeTerm(e.value, 'default'),
      inSet: 'k:IN [' + escapeTerm(e.value, 'bound') + ' x]',
      inPhrase: 'k:' + quotePhrase(e.value),
    };
    if (process.env.UPDATE_GOLDEN) {
      Object.assign(e, got);
    } else {
      expect(got).toEqual(e);
    }
  });
});

describe('non-query fields', () => {
  it('get plain formatting and keep backend macros', () => {
    installSceneVariables(golden.variables);
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
