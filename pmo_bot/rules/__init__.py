"""Declarative PMO rules: context, metrics, language, loader and engine."""
