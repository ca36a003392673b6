// A parent whose children cannot listen: a task runner stuck in a busy loop and a DAG parser stuck in a file
// that loops at import. It prints {"runner": pid} once both are stuck, then waits to be SIGKILLed, so a test can
// check that such children still exit when their parent dies (`disconnect` never fires in a blocked event loop).
// Usage: node --import tsx tests/support/orphan-parent.ts <folder with a looping DAG file>
import { parseInChild } from '../../lib/dag-processing/parse-in-child';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { taskJob } from '../integration/executor-harness';

const executor = new LocalExecutor({ processes: 1, concurrency: 1, serviceHandler: async () => null });
await executor.start();
executor.submit(taskJob('busy_loop'));
void parseInChild(process.argv[2]!, 600_000).catch(() => null);
// The runner boots in ≈ 250 ms and the parser reaches the looping file in about as long.
await new Promise((resolve) => setTimeout(resolve, 1_500));
process.stdout.write(`${JSON.stringify({ runner: executor.pids[0] ?? null })}\n`);
setInterval(() => {}, 60_000);
