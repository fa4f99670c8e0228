"""Rules about the loop itself: they judge what the coding agent changed during a run."""
