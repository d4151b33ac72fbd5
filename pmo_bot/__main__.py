from pmo_bot.cli import main

main()
