"""Thin adapters that run the same functions off Lambda: WSGI (monolith), functions-framework, in-process."""
