"""Stratus's functions: one package per seed service, a module per endpoint, subscriber or job."""
