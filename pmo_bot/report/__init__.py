"""The weekly portfolio report: inputs from the store, a pure model, Jinja2 rendering, Confluence publishing."""
