"""Netra backend (example monorepo for ssotlint's golden path)."""
