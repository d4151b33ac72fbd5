"""pmo-bot: policy-as-code for a Project Management Office over Jira and Confluence."""

__version__ = "0.1.0"
