"""Submitting to Azure ML: ``azpipe submit``, ``azpipe status`` and ``azpipe cancel``.

- :mod:`azpipe.submit.workspace`: which workspace (flags, environment variables, ``config.json``);
- :mod:`azpipe.submit.overrides`: ``--set NAME=VALUE``, typed by the pipeline input;
- :mod:`azpipe.submit.compiled`: the pipeline compiled to a ``PipelineJob`` and the entities
  its module declares (offline);
- :mod:`azpipe.submit.plan`: what a submission would do, printed by ``--dry-run`` (offline);
- :mod:`azpipe.submit.client`: the ``MLClient``, its credential and the seams tests use;
- :mod:`azpipe.submit.provision`: environments, data assets, then compute, skipping what exists;
- :mod:`azpipe.submit.jobs`: submit, follow, status and cancel;
- :mod:`azpipe.submit.errors`: every Azure failure as one line saying what to do, with
  secrets redacted;
- :mod:`azpipe.submit.console`: progress on standard error;
- :mod:`azpipe.submit.command`: the three commands end to end (exit codes, one-line failures).

Only :mod:`~azpipe.submit.client`, :mod:`~azpipe.submit.compiled`,
:mod:`~azpipe.submit.provision` and :mod:`~azpipe.submit.jobs` touch azure-ai-ml, and
only inside functions: importing this package stays cheap.
"""
