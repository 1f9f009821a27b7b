"""One spelling per mailbox, so one person cannot hold two accounts (two approver roles, say)
under `CMO@Example.org`, `cmo@example.org.` and `cmo@exämple.org` vs its punycode form.

Normalised: surrounding space removed, Unicode NFC, the whole address lower-cased, the domain's
trailing dot dropped and the domain converted to its ASCII (IDNA 2008, UTS #46) form.
"""

from __future__ import annotations

import unicodedata

import idna

MAX_LENGTH = 254


def normalise_email(raw: str) -> str:
    """The canonical form of an address; ValueError (a sentence) when it is not one."""
    text = unicodedata.normalize("NFC", raw.strip())
    local, at, domain = text.rpartition("@")
    domain = domain.rstrip(".")
    if not at or not local or not domain or any(ch.isspace() for ch in text) or "@" in local:
        raise ValueError("give an e-mail address like name@example.org")
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValueError("the part after @ is not a valid domain name") from None
    address = f"{local.lower()}@{ascii_domain.lower()}"
    if "." not in ascii_domain or len(address) > MAX_LENGTH:
        raise ValueError("give an e-mail address like name@example.org (at most 254 characters)")
    return address
