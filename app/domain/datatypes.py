"""The controlled vocabulary of personal-data types an incident can expose.

Laws define "personal information" by these categories; the letter steps and the legal
applicability both key off them, so free text is not accepted.
"""

from __future__ import annotations

from enum import StrEnum


class DataType(StrEnum):
    """A category of exposed personal data."""

    name = "name"
    ssn = "ssn"
    drivers_license = "drivers_license"
    state_id = "state_id"
    passport = "passport"
    military_id = "military_id"
    tax_id = "tax_id"
    financial_account = "financial_account"
    payment_card = "payment_card"
    account_security_code = "account_security_code"
    medical = "medical"
    health_insurance = "health_insurance"
    biometric = "biometric"
    genetic = "genetic"
    username_password = "username_password"  # noqa: S105 - a data-type id, not a secret
    security_questions = "security_questions"
    email = "email"
    date_of_birth = "date_of_birth"
    address = "address"
    phone = "phone"
    mothers_maiden_name = "mothers_maiden_name"
    geolocation = "geolocation"
    other = "other"


# Plain-language labels used in letters ("Your Social Security number").
LABELS: dict[DataType, str] = {
    DataType.name: "name",
    DataType.ssn: "Social Security number",
    DataType.drivers_license: "driver's license number",
    DataType.state_id: "state ID card number",
    DataType.passport: "passport number",
    DataType.military_id: "military ID number",
    DataType.tax_id: "taxpayer ID number",
    DataType.financial_account: "bank account number",
    DataType.payment_card: "payment card number and expiration date",
    DataType.account_security_code: "card security code (CVV) or account PIN",
    DataType.medical: "medical information (such as diagnoses, treatment and medications)",
    DataType.health_insurance: "health insurance information (such as your member ID)",
    DataType.biometric: "biometric data (such as fingerprints)",
    DataType.genetic: "genetic information",
    DataType.username_password: "username and password",
    DataType.security_questions: "security questions and answers",
    DataType.email: "email address",
    DataType.date_of_birth: "date of birth",
    DataType.address: "postal address",
    DataType.phone: "phone number",
    DataType.mothers_maiden_name: "mother's maiden name",
    DataType.geolocation: "precise location data",
    DataType.other: "other personal information",
}

IDENTITY_THEFT_TYPES = frozenset(
    {
        DataType.ssn,
        DataType.drivers_license,
        DataType.state_id,
        DataType.passport,
        DataType.tax_id,
        DataType.military_id,
    }
)
FINANCIAL_TYPES = frozenset(
    {DataType.financial_account, DataType.payment_card, DataType.account_security_code}
)
HEALTH_TYPES = frozenset({DataType.medical, DataType.health_insurance})
CREDENTIAL_TYPES = frozenset({DataType.username_password, DataType.security_questions})


class EntityType(StrEnum):
    """What kind of organisation gives notice; decides which federal rules apply."""

    business = "business"
    hipaa_covered_entity = "hipaa_covered_entity"
    hipaa_business_associate = "hipaa_business_associate"
    financial_institution = "financial_institution"
    phr_vendor = "phr_vendor"
    consumer_reporting_agency = "consumer_reporting_agency"
    government_agency = "government_agency"
