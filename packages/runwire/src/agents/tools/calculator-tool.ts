import { z } from 'zod';
import { defineTool } from '../tool.js';
import { evaluateExpression, formatNumber } from './expression.js';

/** Evaluates an arithmetic expression with a real parser (never `eval`). */
export const calculatorTool = defineTool({
  name: 'calculator',
  description: 'Evaluates an arithmetic expression: + - * / % ^, parentheses, sqrt, min, max, pi, …',
  parameters: z.strictObject({ expression: z.string().min(1).max(1000) }),
  async execute({ expression }) {
    const value = evaluateExpression(expression);
    return { expression, value, text: formatNumber(value) };
  },
});
