"""Azure ML's name rules, as patterns: shared by the checks and the emitters.

Node (step), input and output names follow Azure ML's node-name rule; assets,
compute clusters and instances, and registered outputs have their own. The
checks report names that break them; the emitters rely on names that keep them.
"""

from __future__ import annotations

import re

NAME = re.compile(r"[a-z_][a-z0-9_]*")  # steps, ports, pipeline names
NODE_NAME = NAME
MAX_LENGTH = 255
ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,254}(?<!\.)")
CLUSTER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,14}[A-Za-z0-9]")
INSTANCE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9](?<!-[0-9])")
OUTPUT_ASSET_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
# What a reference to a workspace compute, environment, version or label may hold.
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,254}")
