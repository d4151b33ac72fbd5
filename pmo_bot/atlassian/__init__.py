"""Adapters for Jira and Confluence: the only code that talks HTTP to Atlassian products."""
