"""One module per subcommand; ``pmo_bot.cli.COMMANDS`` lists them."""
