"""``python -m textrepair`` runs the command."""

from .cli import entry

entry()
