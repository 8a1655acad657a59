from trustgap.cli import main

main()
