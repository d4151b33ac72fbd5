"""Print pyproject.toml's runtime dependencies, one a line: the Dockerfile and `make install-check` install them
in a layer of their own, before the source, so that a code change does not reinstall every dependency."""

import sys
import tomllib

with open(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml", "rb") as handle:
    print("\n".join(tomllib.load(handle)["project"]["dependencies"]))
