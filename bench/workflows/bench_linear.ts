// Ten no-op tasks in a line: the DAG of Astronomer's "100 runs × 10 linear tasks" and Windmill's hop benchmark.
import { chain, dag } from 'flashflow';

const linear = dag({ dagId: 'bench_linear', maxActiveRuns: 100, maxActiveTasks: 100 });
chain(...Array.from({ length: 10 }, (_, i) => linear.task(`t${i}`, () => null)));

export default linear;
