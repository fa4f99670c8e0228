"""cynic: a coding agent and a deeply cynical security agent, taking turns until the checklist is empty."""

from cynic._version import __version__

__all__ = ["__version__"]
