"""`python -m briefgen`: the same command line as the `briefgen` script."""

from briefgen.commands.main import main

main()
