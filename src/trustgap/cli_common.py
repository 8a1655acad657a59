"""What every command module shares: the one way a command reports bad input."""

from __future__ import annotations

import typer


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise (2: bad input). The message is data,
    never markup; soft wrap keeps a long path or field name on one line, so it can be copied and searched."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {escape(message)}", markup=True,
                                                soft_wrap=True)
    return typer.Exit(code)
