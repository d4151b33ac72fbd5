"""A stateful Jira + Confluence emulator, faithful to Atlassian's official specs.

Used by the demo, the end-to-end tests and the benchmarks; admins use it to try rules offline.
``SandboxServer`` runs it in-process on a free loopback port; ``pmo-bot sandbox serve`` runs it standalone.
"""
