"""Shared test helpers, imported as `support` once `tests/` is on sys.path.

See tests/checks/conftest.py.

Not `tests.support`: textstat's wheel installs a top-level `tests` package into site-packages,
which would shadow ours.
"""
