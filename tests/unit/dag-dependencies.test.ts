// The DAG-dependencies graph, read from compiled DAG definitions: asset, sensor and trigger edges, each from the
// task that makes it, and DAGs named but not defined marked as missing.
import { describe, expect, it } from 'vitest';
import { assetSensor, dag, externalTaskSensor, triggerDag, type Dag } from 'flashflow';
import { dagDependencies } from '../../lib/assets/dag-dependencies';
import { compileDag } from '../../lib/engine/compile-dag';
import type { SerializedDag } from '../../lib/engine/dag-model';

function compiled(dags: Dag[]): SerializedDag[] {
  return dags.map((d) => {
    const r = compileDag(d, `/dags/${d.dagId}.ts`);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    return r.dag;
  });
}

describe('dagDependencies', () => {
  it('links producers to assets, assets to the DAGs scheduled on them or sensing them, sensed DAGs and triggered DAGs', () => {
    const images = dag({ dagId: 'images_to_text' });
    images.task('extract_text', { outlets: ['ocr/text'] }, () => 'text');
    images.task('handoff', triggerDag({ dagId: 'text_to_model' }));
    const text = dag({ dagId: 'text_to_model' });
    text.task('wait', externalTaskSensor({ externalDagId: 'images_to_text', externalTaskId: 'extract_text', pokeInterval: '5s' }));
    const drift = dag({ dagId: 'retrain_on_drift', schedule: { assets: ['ocr/text'] } });
    drift.task('also_wait', assetSensor({ uri: 'iris/drift' }));
    drift.task('notify', triggerDag({ dagId: 'gone_dag' }));
    const alone = dag({ dagId: 'alone' });
    alone.task('noop', () => null);

    const graph = dagDependencies(compiled([images, text, drift, alone]));
    expect(graph.nodes).toEqual(expect.arrayContaining([
      { id: 'dag:images_to_text', kind: 'dag', dagId: 'images_to_text', missing: false },
      { id: 'dag:alone', kind: 'dag', dagId: 'alone', missing: false },
      { id: 'dag:gone_dag', kind: 'dag', dagId: 'gone_dag', missing: true },
      { id: 'asset:ocr/text', kind: 'asset', uri: 'ocr/text' },
      { id: 'asset:iris/drift', kind: 'asset', uri: 'iris/drift' },
    ]));
    expect(graph.nodes).toHaveLength(7);
    expect(graph.edges.map((e) => [e.source, e.target, e.kind, e.taskId]).sort()).toEqual([
      ['asset:iris/drift', 'dag:retrain_on_drift', 'sensor', 'also_wait'],
      ['asset:ocr/text', 'dag:retrain_on_drift', 'asset', null],
      ['dag:images_to_text', 'asset:ocr/text', 'asset', 'extract_text'],
      ['dag:images_to_text', 'dag:text_to_model', 'sensor', 'wait'],
      ['dag:images_to_text', 'dag:text_to_model', 'trigger', 'handoff'],
      ['dag:retrain_on_drift', 'dag:gone_dag', 'trigger', 'notify'],
    ]);
  });

  it('has no edges for DAGs that do not depend on each other', () => {
    const a = dag({ dagId: 'a' });
    a.task('x', () => 1);
    expect(dagDependencies(compiled([a]))).toEqual({ nodes: [{ id: 'dag:a', kind: 'dag', dagId: 'a', missing: false }], edges: [] });
  });
});
