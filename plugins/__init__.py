"""Built-in plugins: one package per institution, loaded through the township.plugins entry points."""
