"""Local runs: ``azpipe plan``, ``azpipe run`` and ``azpipe runs``.

Data flows one way: ``options`` (command-line values) → ``inputs`` (what each
input means on this machine) → ``planner`` (rendered commands, cache keys,
run or reuse) → ``executor`` (processes) → ``store`` (run folders, ``run.json``,
cache index). ``docs/running.md`` is the user documentation.
"""
