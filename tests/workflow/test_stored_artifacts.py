"""Every regulator obligation of every example can be stored as its regulator notice (issue 17.3:
one notice per regulator obligation of `candor obligations`), in English and Spanish, and the
stored notice passes its own channel's checks without an error. Real store, real checks."""

from __future__ import annotations

import pytest
from support.storedb import example

from app.domain.facts import IncidentFacts
from app.domain.obligations import obligations_report
from app.workflow import incidents


@pytest.mark.parametrize(
    "name", ["retailer-card-breach", "hospital-ransomware", "saas-credentials"]
)
def test_a_stored_regulator_notice_for_every_regulator_obligation(store, name):
    facts = IncidentFacts.model_validate(example(name))
    owed = [
        o.jurisdiction
        for o in obligations_report(facts, store.ctx.rulebook, store.ctx.today()).obligations
        if o.obligation == "regulator"
    ]
    assert owed
    with store.session() as s:
        incident = incidents.create_incident(s, store.ctx, store.users["responder"], facts).incident
        incident_id = incident.id
    for code in owed:
        for language in ("en", "es"):
            with store.session() as s:
                d = incidents.add_draft(
                    s,
                    store.ctx,
                    store.users["cmo"],
                    incident_id,
                    code,
                    "formal",
                    "regulator",
                    language,
                )
                assert (d.draft.variant, d.draft.channel, d.draft.language) == (
                    code,
                    "regulator",
                    language,
                )
                errors = [f.rule for f in d.report.findings if f.severity.value == "error"]
                assert errors == [], (code, language, errors)
