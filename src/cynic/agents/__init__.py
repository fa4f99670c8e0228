"""The two agents: the coder that changes code and the security agent that audits it."""
