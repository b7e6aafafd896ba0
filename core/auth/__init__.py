"""Staff authentication: Argon2id passwords, server-side sessions, throttled logins."""

from core.auth.passwords import hash_password, verify_password

__all__ = ["hash_password", "verify_password"]
