import type { AliasFact, DeclarationFact, ExportFact, FileFacts, ImportFact } from './facts.js';

/** One file's facts by name, for lookups that would otherwise scan every declaration, alias, import and export. */
export interface FactsIndex {
  /** The declaration a value name denotes: the first that is not an interface or type, else the first of the name. */
  readonly declarations: ReadonlyMap<string, DeclarationFact>;
  /** The first alias of each name. */
  readonly aliases: ReadonlyMap<string, AliasFact>;
  /** The first import of each local name. */
  readonly imports: ReadonlyMap<string, ImportFact>;
  /** The first local export or re-export of each exported name (not `export *`). */
  readonly exports: ReadonlyMap<string, ExportFact>;
  /** The `export * from` entries, in order. */
  readonly stars: readonly ExportFact[];
}

/** Indexes by facts object: facts never change once extracted, so an unchanged file keeps its index across checks. */
const INDEXES = new WeakMap<FileFacts, FactsIndex>();

/** The index of `facts`, built on first use and kept for as long as the facts object lives. */
export function factsIndex(facts: FileFacts): FactsIndex {
  let index = INDEXES.get(facts);
  if (index === undefined) {
    index = buildIndex(facts);
    INDEXES.set(facts, index);
  }
  return index;
}

function buildIndex(facts: FileFacts): FactsIndex {
  const declarations = new Map<string, DeclarationFact>();
  for (const declaration of facts.declarations) {
    const first = declarations.get(declaration.name);
    if (first === undefined || (isTypeOnly(first) && !isTypeOnly(declaration))) {
      declarations.set(declaration.name, declaration);
    }
  }
  const aliases = new Map<string, AliasFact>();
  for (const alias of facts.aliases) if (!aliases.has(alias.name)) aliases.set(alias.name, alias);
  const imports = new Map<string, ImportFact>();
  for (const binding of facts.imports) if (!imports.has(binding.local)) imports.set(binding.local, binding);
  const exports = new Map<string, ExportFact>();
  const stars: ExportFact[] = [];
  for (const entry of facts.exports) {
    if (entry.form === 'star') stars.push(entry);
    else if (!exports.has(entry.exported)) exports.set(entry.exported, entry);
  }
  return { declarations, aliases, imports, exports, stars };
}

function isTypeOnly(declaration: DeclarationFact): boolean {
  return declaration.kind === 'interface' || declaration.kind === 'type';
}
