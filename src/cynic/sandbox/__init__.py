"""The sandbox: a git worktree per run, confined paths, and a runner for commands."""

from cynic.sandbox.base import RoundCommit, SandboxError, Workspace
from cynic.sandbox.paths import PathEscape, resolve_inside

__all__ = ["PathEscape", "RoundCommit", "SandboxError", "Workspace", "resolve_inside"]
