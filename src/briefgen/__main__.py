from briefgen.commands.main import main

main()
