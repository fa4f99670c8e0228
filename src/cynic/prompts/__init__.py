"""Prompts: jinja2 templates, one per agent, rendered with StrictUndefined."""
