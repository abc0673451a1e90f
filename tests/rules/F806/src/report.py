# The script the example runs: it is in `code: src`.
