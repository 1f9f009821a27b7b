"""The letter tones (registers): templates have one file per tone, rules and readability targets may
be set per tone. Vocabulary shared by letters, checks, workflow and pages."""

TONES = ("empathetic", "formal", "plain")
