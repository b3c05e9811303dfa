from a6hub.cli.main import main

main()
