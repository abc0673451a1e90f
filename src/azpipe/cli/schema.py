"""``azpipe schema``: print the JSON Schema (draft 2020-12) of the azpipe language.

Generated from the declarative schema (:mod:`azpipe.schema`), the one azpipe checks
files with. Point an editor at it for completion, hovers and shape errors as you
type: with VS Code's YAML extension, a first line
``# yaml-language-server: $schema=./azpipe.schema.json`` (see ``docs/editors.md``).
``--native`` prints the schema of Azure ML's own pipeline job files instead.
"""

from __future__ import annotations

import argparse
import json
import sys

from azpipe.cli.common import OutputError, add_output_argument, output_path, write_output

NAME = "schema"
HELP = "print the JSON Schema of the azpipe language (for editors)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``azpipe schema``."""
    parser.add_argument(
        "--native", action="store_true", help="the schema of an Azure ML pipeline job file instead"
    )
    add_output_argument(parser)
    parser.epilog = "in a pipeline file: # yaml-language-server: $schema=./azpipe.schema.json"


def run(args: argparse.Namespace) -> int:
    """Print (or write) the schema; exit 0, or 2 when the file cannot be written."""
    from azpipe.schema.json_schema import language_schema, native_schema

    schema = native_schema() if args.native else language_schema()
    name = "azure-ml-pipeline.schema.json" if args.native else "azpipe.schema.json"
    try:
        write_output(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", output_path(args.output, name))
    except OutputError as error:
        print(f"azpipe schema: {error}", file=sys.stderr)
        return 2
    return 0
