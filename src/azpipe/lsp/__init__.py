"""``azpipe lsp``: a language server for pipeline files (both formats), over stdio.

Diagnostics are those of ``azpipe check``; completion offers the keys the
builders accept and, inside ``${{ }}``, steps, ports and pipeline inputs; go to
definition, hover and find references follow the model's spans. Needs the
``lsp`` extra (pygls); never imports azure-ai-ml.
"""
