/**
 * The facts the checker keeps about one source file. Only these survive parsing (never the AST), so memory
 * stays bounded and the facts of an unchanged file can be reused from the content-hash cache.
 *
 * Every fact is plain JSON: it crosses worker threads and is written to the on-disk cache as is.
 */

/** 1-based line and column of a fact in its file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** What a top-level declaration declares. */
export type DeclarationKind =
  /** `class X {}`, `const X = class {}` */
  | 'class'
  /** `interface X {}` */
  | 'interface'
  /** `type X = …` */
  | 'type'
  /** `enum X {}` */
  | 'enum'
  /** `function x() {}`, `const x = () => {}`, `const x = function () {}` */
  | 'function';

/** A reference to a binding by name, or to a member of a namespace binding (`ns.X`). */
export interface NameRef {
  readonly name: string;
  readonly member?: string;
}

/** Why a class may only be constructed by its factories. */
export interface FactoryOnlyFact {
  /** `tsdoc`: a `@factoryOnly` tag, in TSDoc or (Python) in a `# @factoryOnly` comment on the class. */
  readonly reason: 'private-constructor' | 'protected-constructor' | 'tsdoc';
  /** Extra modules allowed to call `new`, as written after `@factoryOnly` (relative to the declaring file). */
  readonly allowedModules: readonly string[];
}

/** The text of a declaration compared by shape: offsets in its file, and whether it is an expression. */
export interface ShapeSource {
  readonly start: number;
  readonly end: number;
  /** An arrow function, function expression or class expression (`const f = …`): parsed in parentheses. */
  readonly expression: boolean;
}

/** One top-level declaration: a candidate concept. */
export interface DeclarationFact extends Position {
  readonly name: string;
  readonly kind: DeclarationKind;
  readonly exported: boolean;
  /**
   * A coarse fingerprint of a function's parameters and body or a class's members, read from the text: equal for
   * copies under other names, and rarely for anything else (see `shapeSketch`). Absent for declarations that are
   * not compared by shape (overloads, classes with fewer than two members, interfaces, types, enums).
   */
  readonly sketch?: string;
  /** Where the code compared by shape is, for its exact shape when its sketch is shared. Present with `sketch`. */
  readonly shapeSource?: ShapeSource;
  /** The `extends` clause of a class, when it is a plain name or `ns.Name`. */
  readonly extends?: NameRef;
  /** True for a class that extends another and adds nothing (empty body or a pass-through constructor). */
  readonly addsNothing?: boolean;
  readonly factoryOnly?: FactoryOnlyFact;
  /**
   * True for a function the module runs itself at load and does not export (a script's `main()`): an entry point,
   * not a concept to share.
   */
  readonly entryPoint?: boolean;
}

/** `const X = Y`, `const X = ns.Y` or `type X = Y` at the top level: an alias, not a copy. */
export interface AliasFact extends Position {
  readonly name: string;
  readonly target: NameRef;
  readonly exported: boolean;
  /** Marked `@deprecated` in its TSDoc: importing through it is non-canonical. */
  readonly deprecated: boolean;
}

/** One imported binding. `imported` is the exported name, `'default'`, or `'*'` for a namespace import. */
export interface ImportFact extends Position {
  readonly local: string;
  readonly imported: string;
  readonly source: string;
  readonly typeOnly: boolean;
  /**
   * `const x = require('m')`: the module's `module.exports` value when it sets one (`module.exports = X`), else
   * its namespace (`imported` is `'*'`).
   */
  readonly require?: boolean;
}

/** The export name a CommonJS module's whole `module.exports` value goes by in the facts. */
export const MODULE_EXPORTS = 'module.exports';

/**
 * One exported name.
 * - `local`: `export { a as b }`, `export class b`, `export default a` (`local` is absent for anonymous defaults)
 * - `reexport`: `export { a as b } from 'm'`, `export * as b from 'm'` (`imported` is `'*'`)
 * - `star`: `export * from 'm'` (`exported` is `'*'`)
 */
export interface ExportFact extends Position {
  readonly form: 'local' | 'reexport' | 'star';
  readonly exported: string;
  readonly local?: string;
  readonly imported?: string;
  readonly source?: string;
  readonly deprecated: boolean;
}

/**
 * A `new` expression, or (Python, `call`) a call of a module-level name, which constructs an object when the name is
 * a class. `callee` is absent when the constructed class cannot be named statically.
 */
export interface NewSiteFact extends Position {
  readonly callee?: NameRef;
  /** The callee as written, shortened, for messages about unresolved sites. */
  readonly text: string;
  /** A call without `new` (Python builds objects by calling their class). */
  readonly call?: boolean;
}

/** Everything the checker knows about one file. */
export interface FileFacts {
  readonly declarations: readonly DeclarationFact[];
  readonly aliases: readonly AliasFact[];
  readonly imports: readonly ImportFact[];
  readonly exports: readonly ExportFact[];
  readonly newSites: readonly NewSiteFact[];
  /** Parser errors, each as `line:column message`; a file with errors still yields the facts that parsed. */
  readonly parseErrors: readonly string[];
  /**
   * Other top-level value bindings (`const cache = new Map()`, `let n`): not concepts, but a name a function uses
   * from its module, which tells two same-looking functions over two modules' own state apart.
   */
  readonly bindings?: readonly string[];
  /** True when the file imports or exports through CommonJS (`require`, `module.exports`, `exports.x`). */
  readonly commonJs?: boolean;
  /** True when the file's header says it is generated (`@generated`, `Code generated by … DO NOT EDIT`, …). */
  readonly generated?: boolean;
}
