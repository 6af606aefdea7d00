"""Netra backend application package."""
