/**
 * True for a Python source file, which the Python front end reads instead of oxc (stubs, `.pyi`, only describe code
 * that lives elsewhere). Asked for every file and name the rules resolve, so it is a plain suffix test.
 */
export function isPythonFile(path: string): boolean {
  return path.endsWith('.py');
}
