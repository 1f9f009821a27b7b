"""Identity and access: users, passwords, sessions, tokens, CSRF, roles and the route policy."""
