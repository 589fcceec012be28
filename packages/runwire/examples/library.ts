import { createRuntime, defineAgent, TERMINAL_EVENT_TYPES } from 'runwire';
import { z } from 'zod';

const shout = defineAgent({
  name: 'shout',
  description: 'Answers in capitals',
  input: z.string(),
  async run(text, ctx) {
    await ctx.thinking('Raising my voice');
    const { iso } = await ctx.callTool<{ iso: string }>('clock', {});
    await ctx.partial(text.toUpperCase());
    return `${text.toUpperCase()} (at ${iso})`;
  },
});

const runtime = createRuntime({ agents: [shout] }); // memory stores; pass `stores` for SQLite or Redis
await runtime.start();

// Every event of every run, as the owner's sockets would get it.
const finished = new Promise<void>((resolve) => {
  runtime.publisher.onPublished((event) => {
    console.log(`#${event.seq} ${event.type}`, event.type === 'agent_completed' ? event.finalResponse : '');
    if (TERMINAL_EVENT_TYPES.has(event.type)) resolve();
  });
});

const scope = runtime.getExecutionTracker({ userId: 'alice' }); // sees only alice's runs
const run = scope.startRun({ agent: 'shout', input: 'hello' }); // checked, scheduled, executed
await finished;
console.log(`run ${run.runId}: ${scope.getExecution(run.runId)?.status}`);
await runtime.close();
