// The model server of `bench:llm`, in its own process so its CPU is not the bench's: the tests' fake OpenAI-compatible
// server answering every request with the same stream of `CHUNKS` text deltas. Prints its base URL, then serves until
// killed.
import { FakeOpenAIServer, presets } from '../test/helpers/fake-openai-server.js';

const chunks = Number(process.env.CHUNKS ?? '500');
const deltas = Array.from({ length: chunks }, (_, i) => `tok${i % 100} `);
const fake = await FakeOpenAIServer.start();
fake.always(presets.openai.text(deltas, { usage: { promptTokens: 10, completionTokens: chunks } }));
// The journal would grow with every request of the bench.
setInterval(() => {
  fake.journal.length = 0;
}, 1_000).unref();
process.stdout.write(`${fake.baseUrl}\n`);
