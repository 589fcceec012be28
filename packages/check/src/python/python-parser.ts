import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

/** The Python grammar, compiled to WebAssembly, as `@vscode/tree-sitter-wasm` ships it (built for tree-sitter 0.25). */
const PYTHON_GRAMMAR = '@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm';

let loading: Promise<Parser> | undefined;

/**
 * A tree-sitter parser for Python, loaded once per thread: the tree-sitter runtime and the grammar are WebAssembly
 * files inside installed packages, so nothing is compiled at install and nothing is downloaded at run time.
 */
export function loadPythonParser(): Promise<Parser> {
  loading ??= (async () => {
    await Parser.init();
    const grammar = readFileSync(createRequire(import.meta.url).resolve(PYTHON_GRAMMAR));
    const parser = new Parser();
    parser.setLanguage(await Language.load(grammar));
    return parser;
  })();
  return loading;
}
