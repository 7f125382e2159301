"""Embedding Explorer core, no UI code: the shared base (settings, records, errors, text, vectors),
three parts (retrieval, map, classic) and the command lines (python -m core.search).

Imports point one way: map and classic may use retrieval and the base; retrieval uses only the base.
"""
