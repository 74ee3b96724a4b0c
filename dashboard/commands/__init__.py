"""Subcommands of ``python -m dashboard`` that are imported only when named (see cli.EXTRA_COMMANDS)."""
