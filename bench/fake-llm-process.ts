// A fake OpenAI-compatible server in a process of its own, so the benchmark's model latency is not
// inflated by the engine's event loop (a real model runs elsewhere). argv: word count, latency ms.
import { scriptedCards } from '../tests/support/fake-card-answers';
import { startFakeOpenAiServer } from '../tests/support/fake-openai-server';
import { benchWords } from './bench-words';

const [count, latency] = process.argv.slice(2).map(Number);
const fake = await startFakeOpenAiServer();
fake.otherwise(scriptedCards(benchWords(count!)));
fake.setLatency(latency!);
process.send!({ baseUrl: fake.baseUrl });
process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
