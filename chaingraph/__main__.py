"""``python -m chaingraph`` runs the command line."""

from .cli import main

main()
