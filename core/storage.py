"""Where uploaded files live: one small interface, a local folder by default.

Several app servers share files by replacing ``LocalStorage`` with a shared store that keeps
the same three methods.
"""

import secrets
from pathlib import Path

from flask import current_app


class LocalStorage:
    """Files under UPLOAD_FOLDER (default: instance/uploads), addressed by opaque keys."""

    def __init__(self, root: Path):
        self.root = root

    def save(self, data: bytes, suffix: str) -> str:
        """Store ``data`` and return its new key."""
        key = f"{secrets.token_hex(2)}/{secrets.token_hex(16)}{suffix}"
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return key

    def path(self, key: str) -> Path | None:
        """The local path of ``key``, or None when it does not exist or escapes the root."""
        target = (self.root / key).resolve()
        if self.root.resolve() not in target.parents or not target.is_file():
            return None
        return target

    def delete(self, key: str) -> None:
        """Remove the file of ``key`` if it exists."""
        target = self.path(key)
        if target is not None:
            target.unlink()


def get_storage() -> LocalStorage:
    """The storage of the current app."""
    folder = current_app.config.get("UPLOAD_FOLDER") or str(
        Path(current_app.instance_path) / "uploads"
    )
    return LocalStorage(Path(folder))
