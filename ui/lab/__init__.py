"""The embedding lab: one module per lesson tab."""
