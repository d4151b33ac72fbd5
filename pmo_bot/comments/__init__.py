"""The bot's compliance comment: its content, its ADF and wiki-markup forms, and the write plan."""
