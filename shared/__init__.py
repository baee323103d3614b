"""The Stratus kernel: the layer every function imports.

It knows nothing about any particular service (import-linter forbids `shared` → `functions`).
"""
