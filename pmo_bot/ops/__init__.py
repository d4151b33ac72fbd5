"""Running pmo-bot for months: the run lease, the daemon's due-run logic, health, metrics, alerts, hot reload."""
