import { loadDashboard } from './incidentDashboard';
import { schemaErrors } from './schemaCheck';

/** setAt damages the dashboard at path: sets the value there, or deletes the key when value is undefined. */
function setAt(root: object, path: Array<string | number>, value: unknown) {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    delete node[last];
  } else {
    node[last] = value;
  }
}

// The compiler loads @grafana/schema's declarations: seconds, not milliseconds.
jest.setTimeout(120_000);

describe('incident dashboard against @grafana/schema', () => {
  it('type-checks as Dashboard, with each panel’s options and field config as its plugin declares them', () => {
    expect(schemaErrors(loadDashboard())).toEqual([]);
  });

  it.each([
    ['a misspelt panel option', ['panels', 2, 'options', 'calcuate'], false, 'calcuate'],
    ['a variable type Grafana does not have', ['templating', 'list', 0, 'type'], 'fieldValues', 'fieldValues'],
    ['a missing required logs option', ['panels', 1, 'options', 'showTime'], undefined, 'showTime'],
    ['a gridPos that is not a number', ['panels', 0, 'gridPos', 'w'], '14', '"w": "14"'],
    ['a misspelt Triage query key', ['panels', 0, 'targets', 0, 'grupBy'], [], 'grupBy'],
    ['an annotation query that is not a Triage query', ['annotations', 'list', 1, 'target', 'expr'], 'up', 'expr'],
  ] as Array<[string, Array<string | number>, unknown, string]>)('reports %s', (_name, path, value, mention) => {
    const d = loadDashboard();
    setAt(d, path, value);
    const errors = schemaErrors(d);
    expect(errors.join('\n')).toContain(mention);
  });
});
