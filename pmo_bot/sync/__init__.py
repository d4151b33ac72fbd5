"""From Jira to typed items: field mapping, JQL, normalisation and (incremental) fetching."""
