"""A plugin that fails while being imported: the app must report it and start anyway."""

raise RuntimeError("broken_plugin fails to import on purpose")
