"""The words that name each data type of the facts' vocabulary (`DataType`), in English and Spanish.

Why: the consistency check compares which data each artifact says was involved, and artifacts
name the same type in many ways ("Social Security number", "SSNs", "número de Seguro Social";
"card details", "tarjeta de crédito"). Every label Candor's own templates print (English and
Spanish `content.yml`: labels, paired labels, international labels) is one of these terms, and a
test keeps it so. `mentions()` returns the longest non-overlapping matches, so "card security
code" is the security code and not the card, and "username" is not a name.
"""

from __future__ import annotations

import re
from functools import cache

from app.domain.datatypes import DataType

# One regex fragment per way of naming a type; case-insensitive unless marked (?-i:...).
TERMS: dict[DataType, tuple[str, ...]] = {
    DataType.name: (r"(?:full |first |last )?names?", r"nombres?(?: y apellidos?)?", r"apellidos?"),
    DataType.ssn: (
        r"social security (?:numbers?|nos?\.?)",
        r"(?-i:SSNs?)",
        r"national (?:identity|insurance) (?:or social security )?numbers?",
        r"n[uú]meros? (?:del? )?seguro social",
        r"n[uú]meros? de identidad o de seguridad social",
        r"n[uú]meros? de la seguridad social",
    ),
    DataType.drivers_license: (
        r"driver'?s'? licen[cs]es?(?: numbers?)?",
        r"driving licen[cs]es?(?: numbers?)?",
        r"n[uú]meros? de (?:la )?licencia de (?:conducir|manejo)",
        r"licencias? de (?:conducir|manejo)",
        r"n[uú]meros? del? permiso de conducir",
        r"permisos? de conducir",
    ),
    DataType.state_id: (
        r"state (?:ID|identification)(?: cards?)?(?: numbers?)?",
        r"(?:identity|identification) card(?: numbers?)?",
        r"n[uú]meros? de (?:la )?tarjeta de identificaci[oó]n(?: estatal)?",
        r"tarjetas? de identificaci[oó]n(?: estatal)?",
        r"n[uú]meros? del? documento de identidad",
        r"documentos? de identidad",
    ),
    DataType.passport: (r"passports?(?: numbers?)?", r"(?:n[uú]meros? de )?pasaportes?"),
    DataType.military_id: (
        r"military (?:ID|identification)(?: cards?)?(?: numbers?)?",
        r"(?:n[uú]meros? de )?identificaci[oó]n militar",
    ),
    DataType.tax_id: (
        r"tax(?:payer)? (?:ID|identification)(?: numbers?)?",
        r"(?-i:I?TINs?)",
        r"n[uú]meros? de identificaci[oó]n (?:de contribuyente|fiscal|tributaria)",
    ),
    DataType.financial_account: (
        r"(?:bank|financial|checking|savings) account(?: numbers?| details| information)?",
        r"(?:bank )?routing numbers?",
        r"n[uú]meros? de (?:su )?cuenta (?:bancaria|financiera)",
        r"cuentas? (?:bancarias?|financieras?)",
    ),
    DataType.payment_card: (
        r"(?:payment|credit|debit) card(?: numbers?| details| information| data)?(?: and (?:their |the )?expiration dates?)?",
        r"card (?:numbers?|details|information|data)",
        r"(?:card )?expiration dates?",
        r"n[uú]meros? y fechas? de vencimiento de (?:la |su )?tarjeta(?: de (?:pago|cr[eé]dito|d[eé]bito))?",
        r"(?:n[uú]meros? de (?:la |su )?)?tarjetas? de (?:pago|cr[eé]dito|d[eé]bito)",
        r"(?:datos|n[uú]meros?) de (?:la |su )?tarjeta",
        r"fechas? de vencimiento",
    ),
    DataType.account_security_code: (
        r"(?:card )?security codes?",
        r"(?-i:CVVs?|CVCs?|CVV2|PINs?)",
        r"c[oó]digos? de seguridad",
    ),
    DataType.medical: (
        r"medical (?:information|details|records?|data|history|conditions?)",
        r"(?:protected )?health information",
        r"(?-i:PHI)",
        r"diagnos[ie]s",
        r"treatment(?: information)?",
        r"medications?",
        r"(?:datos|informaci[oó]n) m[eé]dic[oa]s?",
        r"historial(?:es)? m[eé]dicos?|historias? cl[ií]nicas?",
        r"diagn[oó]sticos?",
        r"tratamientos?",
        r"medicamentos?",
    ),
    DataType.health_insurance: (
        r"health (?:insurance|plan)(?: information| details| numbers?)?",
        r"(?:insurance|member|policy) (?:ID|identification|numbers?)(?: numbers?)?",
        r"(?:datos|informaci[oó]n) de (?:su )?seguro m[eé]dico",
        r"seguros? m[eé]dicos?",
        r"n[uú]meros? de (?:afiliado|p[oó]liza)",
    ),
    DataType.biometric: (
        r"biometric (?:data|information|identifiers?)",
        r"fingerprints?",
        r"face (?:scans?|geometry)",
        r"datos biom[eé]tricos",
        r"huellas? dactilares?",
    ),
    DataType.genetic: (
        r"genetic (?:data|information)",
        r"datos gen[eé]ticos|informaci[oó]n gen[eé]tica",
    ),
    DataType.username_password: (
        r"user ?names?(?: and passwords?)?",
        r"passwords?",
        r"(?:login|log-in|sign-in) credentials",
        r"nombres? de usuario(?: y contrase[nñ]as?)?",
        r"contrase[nñ]as?",
        r"credenciales(?: de acceso)?",
    ),
    DataType.security_questions: (
        r"security questions?(?: and answers?)?",
        r"preguntas? (?:y respuestas? )?de seguridad",
    ),
    DataType.email: (
        r"e-?mail address(?:es)?",
        r"direcci[oó]n(?:es)? de correo(?: electr[oó]nico)?",
        r"correos? electr[oó]nicos?",
    ),
    DataType.date_of_birth: (
        r"dates? of birth",
        r"birth ?dates?",
        r"(?-i:DOB)",
        r"fechas? de nacimiento",
    ),
    DataType.address: (
        r"(?:postal|mailing|home|street|physical) address(?:es)?",
        r"address(?:es)?",
        r"direcci[oó]n(?:es)? postal(?:es)?",
        r"domicilios?",
        r"direcci[oó]n(?:es)?",
    ),
    DataType.phone: (
        r"(?:tele)?phone numbers?",
        r"n[uú]meros? de tel[eé]fono",
    ),
    DataType.mothers_maiden_name: (
        r"mother'?s maiden names?",
        r"apellidos? de soltera(?: de su madre)?",
    ),
    DataType.geolocation: (
        r"(?:precise )?(?:geo)?location (?:data|information)",
        r"geolocation",
        r"datos de (?:ubicaci[oó]n|geolocalizaci[oó]n)(?: precisa)?",
        r"geolocalizaci[oó]n",
    ),
}


@cache
def _pattern() -> re.Pattern[str]:
    parts = [
        f"(?P<{t.name}_{i}>{fragment})"
        for t, fragments in TERMS.items()
        for i, fragment in enumerate(fragments)
    ]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def mentions(text: str) -> list[tuple[int, int, DataType]]:
    """Each data type named in `text`: (start, end, type), longest match first where they overlap."""
    found = []
    pattern = _pattern()
    pos = 0
    while pos < len(text):
        # every alternative that starts here; keep the longest (alternation alone takes the first)
        m = pattern.search(text, pos)
        if m is None:
            break
        best = _longest_at(text, m.start())
        if best[1] > best[0]:
            found.append(best)
        pos = max(best[1], m.start() + 1)
    return found


def _longest_at(text: str, at: int) -> tuple[int, int, DataType]:
    best = (at, at, DataType.other)
    for t, fragments in TERMS.items():
        for fragment in fragments:
            m = _one(fragment).match(text, at)
            if m and m.end() > best[1]:
                best = (at, m.end(), t)
    return best


@cache
def _one(fragment: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + fragment + r")(?![\w-])", re.IGNORECASE)
