import { z } from 'zod';
import { ToolCallError } from '../../errors.js';
import { defineAgent } from '../agent-definition.js';

/** Finds an arithmetic expression in a message: digits and operators, at least one operator or function. */
const EXPRESSION =
  /(?:(?:sqrt|abs|min|max|round|floor|ceil|pow|log|ln|exp|sin|cos|tan)\s*\(|[-+(]?\d)[\d\s+\-*/%^().,×÷a-z]*[\d)]/i;
const OPERATOR = /[-+*/%^×÷]|\b(?:sqrt|abs|min|max|round|floor|ceil|pow|log|ln|exp|sin|cos|tan)\s*\(/i;
const TIME_WORDS = /\b(time|date|today|clock|now|day is it)\b/i;
const RUNS_WORDS = /\b(my runs|runs|statistics|stats|history)\b/i;

/** The tool calls a message asks for, in order. */
export function planTools(message: string): Array<{ tool: string; params: Record<string, unknown> }> {
  const plan: Array<{ tool: string; params: Record<string, unknown> }> = [];
  const match = EXPRESSION.exec(message);
  if (match !== null && OPERATOR.test(match[0]))
    plan.push({ tool: 'calculator', params: { expression: match[0].trim() } });
  if (TIME_WORDS.test(message)) plan.push({ tool: 'clock', params: {} });
  if (RUNS_WORDS.test(message)) plan.push({ tool: 'my_runs', params: {} });
  return plan;
}

function describeResult(tool: string, result: unknown): string {
  const r = result as Record<string, unknown>;
  switch (tool) {
    case 'calculator':
      return `${String(r.expression)} = ${String(r.text)}`;
    case 'clock':
      return `The time is ${String(r.iso)} (UTC)`;
    case 'my_runs':
      return `You have ${String(r.total)} runs on record (${Object.entries(r.byStatus as Record<string, number>)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')})`;
    default:
      return JSON.stringify(result);
  }
}

/**
 * The default chat agent. Deterministic (no LLM yet): it reads the message, picks tools (calculator for
 * arithmetic, clock for time questions, my_runs for questions about the user's runs), calls them and answers from
 * their results.
 */
export const supervisorAgent = defineAgent({
  name: 'supervisor',
  description: 'Default chat agent: picks tools (calculator, clock, my_runs) for the message and answers',
  input: z.string().min(1).max(32_000),
  async run(message, ctx) {
    const plan = planTools(message);
    await ctx.thinking(
      plan.length === 0
        ? 'No tool fits this message; answering directly'
        : `Planning ${plan.length} tool call${plan.length === 1 ? '' : 's'}: ${plan.map((p) => p.tool).join(', ')}`,
    );
    const answers: string[] = [];
    for (const step of plan) {
      try {
        const result = await ctx.callTool(step.tool, step.params);
        answers.push(describeResult(step.tool, result));
      } catch (error) {
        if (!(error instanceof ToolCallError)) throw error;
        answers.push(`I could not use ${step.tool}: ${error.message}`);
      }
    }
    const finalResponse =
      answers.length === 0
        ? `You said: "${message.length > 200 ? `${message.slice(0, 200)}…` : message}". I can do arithmetic, tell the time, and summarise your runs.`
        : answers.join('. ');
    for (const delta of finalResponse.match(/.{1,64}/gs) ?? []) await ctx.partial(delta);
    return finalResponse;
  },
});
