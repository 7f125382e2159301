"""Retrieval: encoders, the Chroma store, search and extractive answers."""
