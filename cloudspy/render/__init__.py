"""Renderers: one module per output format. They import no cloud SDK."""
