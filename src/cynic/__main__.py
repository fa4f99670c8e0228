from cynic.cli import main

main()
