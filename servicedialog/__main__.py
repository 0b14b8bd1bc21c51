from servicedialog.cli import main

main()
