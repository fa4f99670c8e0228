"""`cynic review`: only what a pull request adds, measured against its merge base."""

from cynic.review.git_trees import ReviewError
from cynic.review.result import Coverage, LLMCoverage, ReviewResult
from cynic.review.run import review

__all__ = ["Coverage", "LLMCoverage", "ReviewError", "ReviewResult", "review"]
