"""SatuPintu: one door to every aggregated e-procurement portal."""

__version__ = "0.1.0"
