"""``azpipe completion SHELL``: the script that makes SHELL complete azpipe's commands and options.

Completion comes from the argument parser itself (argcomplete), so it always
knows every subcommand and option of the installed azpipe.
"""

from __future__ import annotations

import argparse

NAME = "completion"
HELP = "print a shell completion script (bash, zsh or fish)"
SHELLS = ("bash", "zsh", "fish")
INSTALL = {
    "bash": 'eval "$(azpipe completion bash)"  # in ~/.bashrc',
    "zsh": 'eval "$(azpipe completion zsh)"  # in ~/.zshrc (after compinit)',
    "fish": "azpipe completion fish > ~/.config/fish/completions/azpipe.fish",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe completion``."""
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    parser.epilog = "set-up: " + "; ".join(f"{shell}: {line}" for shell, line in INSTALL.items())


def run(args: argparse.Namespace) -> int:
    """Print the completion script for ``args.shell``."""
    from argcomplete.shell_integration import shellcode

    print(shellcode(["azpipe"], shell=args.shell))
    return 0
