import type { CheckConfig } from './check-config.js';
import type { DeclarationFact, FileFacts } from './facts.js';
import type { RuleFinding } from './finding.js';
import type { RuleId } from './rule-id.js';
import type { Shape } from './shape-fingerprint.js';
import type { SymbolGraph } from './symbol-graph.js';

/** What every rule sees: the facts of all checked files, the symbol graph over them, and the config. */
export interface RuleContext {
  /** Facts by absolute file path, in path order. */
  readonly files: ReadonlyMap<string, FileFacts>;
  readonly graph: SymbolGraph;
  /** Exact shapes of the declarations whose sketch is shared with another file (see `ShapeComparer`). */
  readonly shapes: ReadonlyMap<DeclarationFact, Shape>;
  readonly config: CheckConfig;
  /** The path of `file` as reports show it and fingerprints key on it: relative to the project root, with `/`. */
  relative(file: string): string;
}

/** One check. A rule is stateless: it reads the context and returns its findings. */
export interface Rule {
  readonly id: RuleId;
  /** One line on what the rule finds (used in `--help`, SARIF and the docs). */
  readonly summary: string;
  /**
   * True for a rule that reads `context.shapes`. Exact shapes are computed (on the worker threads when they are up)
   * while the other rules run, so such a rule runs last; every other rule sees no shapes.
   */
  readonly readsShapes?: boolean;
  check(context: RuleContext): RuleFinding[];
}
