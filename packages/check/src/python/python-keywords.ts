/** Python's keywords: never a name, so a sketch keeps them and no statement that starts with one is a name's. */
export const PYTHON_KEYWORDS: readonly string[] =
  'False|None|True|and|as|assert|async|await|break|class|continue|def|del|elif|else|except|finally|for|from|global|if|import|in|is|lambda|nonlocal|not|or|pass|raise|return|try|while|with|yield'.split(
    '|',
  );
