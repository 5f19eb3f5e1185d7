from livenews.cli import main

main()
