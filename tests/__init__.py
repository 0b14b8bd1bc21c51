"""The test suite. Set here, before tests/conftest.py imports the app (servicedialog.auth
picks its password hasher on import) and inherited by the servers and commands the tests
start: passwords are hashed with argon2's cheapest parameters (see
servicedialog.auth.password_hasher)."""

import os

os.environ.setdefault("TEST_CHEAP_PASSWORD_HASHES", "1")
