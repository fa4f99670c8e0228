"""The sandbox: a git worktree per run, confined paths, and a runner for commands."""
