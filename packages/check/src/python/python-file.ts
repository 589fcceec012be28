/** Python sources: the files the Python front end reads (stubs, `.pyi`, only describe code that lives elsewhere). */
const PYTHON_FILE = /\.py$/;

/** True for a Python source file, which the Python front end reads instead of oxc. */
export function isPythonFile(path: string): boolean {
  return PYTHON_FILE.test(path);
}
