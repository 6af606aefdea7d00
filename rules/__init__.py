"""ssotlint's rules: one module per rule; each registers itself by subclassing `Rule`."""
