"""Turning files into stored, searchable chunks: extraction, chunking and the pipeline."""
