"""Shared test helpers, imported as `support`: pyproject.toml's `[tool.pytest.ini_options] pythonpath`
puts `tests/` on sys.path (bench scripts add it themselves).

Not `tests.support`: textstat's wheel installs a top-level `tests` package into site-packages,
which would shadow ours.
"""
