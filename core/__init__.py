"""Embedding Explorer core: settings, encoders, the store, search and analysis. No UI code here."""
