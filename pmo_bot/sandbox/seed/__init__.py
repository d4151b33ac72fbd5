"""Deterministic data for the sandbox: the ``demo`` portfolio and ``synthetic`` data at any size."""
