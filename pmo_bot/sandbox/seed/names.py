"""Word lists and text templates for seed data: people, work item summaries, descriptions.

Everything here is constant; generators pick from these lists with their own ``random.Random``.
"""

from __future__ import annotations

import uuid

BOT_EMAIL = "pmo-bot@example.com"
BOT_NAME = "pmo-bot"
BOT_DISPLAY_NAME = "PMO Bot"

# The text rule packs look for (case-insensitively) to recognise acceptance criteria in a description.
ACCEPTANCE_MARKER = "Acceptance criteria"


def account_id(email: str) -> str:
    """A Cloud-style accountId derived from the email, so a person keeps one id across seeds and profiles."""
    return f"712020:{uuid.uuid5(uuid.NAMESPACE_URL, 'mailto:' + email)}"


FIRST_NAMES = (
    "Priya", "Marcus", "Elena", "Tomás", "Aiko", "Sven", "Fatima", "Noah", "Chloé", "Daniel", "Grace", "Olu",
    "Zoë", "Liam", "Mei", "Jonas", "Amara", "Ravi", "Ingrid", "Mateo", "Yuki", "Hannah", "Kwame", "Lucía",
    "Arjun", "Freya", "Omar", "Sofia", "Kenji", "Nadia", "Pablo", "Ines",
)  # fmt: skip
LAST_NAMES = (
    "Raman", "Okafor", "Petrova", "García", "Tanaka", "Lindqvist", "Al-Sayed", "Becker", "Martin", "Kim",
    "O'Neill", "Adebayo", "Schröder", "Novak", "Chen", "Fischer", "Mensah", "Iyer", "Larsen", "Rossi",
    "Suzuki", "Weber", "Boateng", "Fernández", "Patel", "Nilsson", "Haddad", "Costa", "Mori", "Kowalski",
)  # fmt: skip

VERBS = (
    "Add", "Implement", "Refactor", "Document", "Test", "Migrate", "Automate", "Design", "Harden", "Monitor",
    "Validate", "Expose", "Remove", "Instrument", "Review", "Optimise",
)  # fmt: skip

# Domain nouns per demo project; synthetic projects draw from all of them.
OBJECTS: dict[str, tuple[str, ...]] = {
    "PAY": (
        "card token vault", "payout scheduler", "refund API", "3DS challenge flow", "settlement report",
        "merchant onboarding form", "chargeback webhook", "FX rate cache", "ledger reconciliation job",
        "payment retry policy", "PSP adapter", "fraud rules table",
    ),
    "MOB": (
        "login screen", "order history list", "push token registration", "offline sync queue",
        "checkout sheet", "profile settings page", "crash reporter", "deep link router", "app theme",
        "accessibility labels", "release pipeline", "feature flag client",
    ),
    "DATA": (
        "customer dimension", "dbt staging models", "erasure request queue", "revenue fact table",
        "freshness checks", "Looker explores", "clickstream topic", "Teradata export", "lineage graph",
        "data contract", "warehouse cost dashboard", "PII tagging",
    ),
    "OPS": (
        "cluster autoscaler", "DR runbook", "instance rightsizing report", "OpenTelemetry collector",
        "VPN replacement", "backup vault", "on-call rota", "Terraform state", "alert routing",
        "service mesh", "secrets rotation", "log retention policy",
    ),
    "CRM": (
        "invoice download page", "SAML login", "case timeline", "translation bundle", "feedback widget",
        "loyalty points page", "renewal reminder email", "CRM import job", "contact search",
        "portal navigation", "account switcher", "consent banner",
    ),
}  # fmt: skip

QUALIFIERS = (
    "", "", "", " for business customers", " behind a feature flag", " in staging", " (phase 2)",
    " for EU tenants", " with audit logging", " on iOS and Android",
)  # fmt: skip

BUG_SYMPTOMS = (
    "returns 500 on empty input", "times out under load", "shows the wrong currency", "drops the last row",
    "crashes after upgrade", "ignores the user's locale", "double-counts retries", "leaks a stack trace",
)  # fmt: skip

ROLES = ("customer", "support agent", "finance analyst", "merchant", "engineer", "product owner")
BENEFITS = (
    "customers finish their task without calling support",
    "we meet our service levels",
    "the numbers in the monthly report can be trusted",
    "incidents are spotted before customers notice",
    "we stop paying for idle capacity",
)  # fmt: skip

# Hostile-but-realistic summaries: quotes, markup, entities, unicode, emoji, macro and CDATA fragments.
HOSTILE_SUMMARIES = (
    'Fix "Pay now" button label on <CheckoutForm>',
    "Handle & in merchant names (e.g. Marks & Spencer) in CSV export",
    "Support names like Zoë, Łukasz and 山田太郎 in the profile page",
    "🚀 Launch checklist: don't forget the 'what's new' screen",
    "Remove stray {panel} macro from release notes",
    "Export breaks when a comment contains ']]>' or <![CDATA[",
    "Strip <script>alert('x')</script> from feedback comments",
    'Search for "O\'Neill" returns nothing & logs a warning',
)


def story_description(role: str, want: str, benefit: str, *, with_criteria: bool) -> str:
    """A user story; healthy ones carry an acceptance-criteria section in Given/When/Then form."""
    article = "an" if role[0] in "aeiou" else "a"
    text = f"As {article} {role}, I want to {want} so that {benefit}."
    if not with_criteria:
        return text + "\n\nNotes: details to be agreed with the product owner."
    return (
        f"{text}\n\n{ACCEPTANCE_MARKER}:\n\n"
        f"Given a signed-in {role}, when they {want}, then the change is saved and confirmed on screen.\n\n"
        f"Given a failure upstream, when they {want}, then a clear error is shown and nothing is lost."
    )


def bug_description(obj: str, symptom: str) -> str:
    return (
        f"Steps to reproduce:\n\n1. Open the {obj}.\n2. Repeat the last action twice.\n\n"
        f"Expected: it works as before.\n\nActual: it {symptom}."
    )


def task_description(obj: str) -> str:
    return f"Technical task for the {obj}. Keep the change small and covered by tests."


def epic_description(name: str, benefit: str) -> str:
    return (
        f"Goal: deliver {name} so that {benefit}.\n\n"
        "Scope: see the child stories.\n\nOut of scope: anything not listed in the child stories."
    )
