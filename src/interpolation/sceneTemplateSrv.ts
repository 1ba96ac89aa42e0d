/**
 * A template service backed by @grafana/scenes' real interpolation, for
 * tests: Grafana routes getTemplateSrv() to sceneGraph.interpolate the same
 * way for Scenes dashboards.
 */
import { ScopedVars, TypedVariableModel } from '@grafana/data';
import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';
import {
  CustomVariable,
  EmbeddedScene,
  SceneFlexLayout,
  sceneGraph,
  SceneVariableSet,
  VariableValueSingle,
} from '@grafana/scenes';

/** One dashboard variable as the golden cases describe it. */
export interface VariableSpec {
  /** The selection: a value, several values, or "$__all". */
  value: string | string[];
  options: string[];
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

/** installSceneVariables installs a template service over a scene holding variables. */
export function installSceneVariables(variables: Record<string, VariableSpec>): EmbeddedScene {
  const scene = new EmbeddedScene({
    $variables: new SceneVariableSet({
      variables: Object.entries(variables).map(
        ([name, v]) =>
          new CustomVariable({
            name,
            query: v.options.join(','),
            options: v.options.map((o) => ({ label: o, value: o })),
            value: v.value as VariableValueSingle | VariableValueSingle[],
            text: v.value as VariableValueSingle | VariableValueSingle[],
            isMulti: v.multi ?? false,
            includeAll: v.includeAll ?? false,
            allValue: v.allValue,
          })
      ),
    }),
    body: new SceneFlexLayout({ children: [] }),
  });
  const srv: TemplateSrv = {
    getVariables: (): TypedVariableModel[] => [],
    replace: (target?: string, scopedVars?: ScopedVars, format?: string | Function) =>
      sceneGraph.interpolate(scene, target, scopedVars, format as Parameters<typeof sceneGraph.interpolate>[3]),
    containsTemplate: (target?: string) => /\$\w|\$\{|\[\[/.test(target ?? ''),
    updateTimeRange: () => undefined,
  };
  setTemplateSrv(srv);
  return scene;
}
