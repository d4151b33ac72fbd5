"""The demo portfolio as a plan: people, goals, projects and epics, each epic with the problems it must show.

``demo.generate`` turns this plan into issues. Keeping the plan as data makes the deliberate problems easy to
read and to review; the problem codes are the keys of ``demo.PROBLEMS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo_bot.sandbox.seed.model import SeedGoal
from pmo_bot.sandbox.seed.names import BOT_DISPLAY_NAME, BOT_EMAIL, BOT_NAME

# Problem codes. Epic-level ones hold for the epic (or initiative) itself; item-level ones for its children.
NO_GOAL = "epic-without-goal"
RETIRED_GOAL = "epic-under-retired-goal"
OVER_BUDGET = "over-budget"
BURN_AHEAD = "burning-faster-than-progress"
OVERDUE = "overdue"
NO_DUE_DATE = "no-due-date"
NO_START_DATE = "no-start-date"
SLIPPED = "due-date-slipped-3-times"
STALE = "stale-in-progress"
CHILDREN_DONE = "children-done-epic-open"
TIME_ON_CLOSED = "time-logged-on-closed-epic"
NO_BUDGET = "no-budget-in-progress"
NO_OWNER = "no-owner"
UNASSIGNED = "unassigned-in-progress"
NO_CRITERIA = "story-without-acceptance-criteria"
HOSTILE_TEXT = "hostile-text"

# Strategic goals; the option value of the "Strategic Goal" select field is the goal's ``name``.
GOALS = (
    SeedGoal("G1", "G1 Grow digital revenue", "active"),
    SeedGoal("G2", "G2 Reduce cost to serve", "active"),
    SeedGoal("G3", "G3 Protect customer trust", "active"),
    SeedGoal("G4", "G4 Open retail kiosks", "retired"),
)
GOAL_NAMES = {goal.id: goal.name for goal in GOALS}

TEAMS = ("Payments Squad", "Mobile Squad", "Data Squad", "Platform Squad", "Portal Squad")

# (display name, email local part, username, team); the PMO lead has no squad.
PEOPLE = (
    ("Priya Raman", "priya.raman", "praman", None),
    ("Marcus Okafor", "marcus.okafor", "mokafor", "Payments Squad"),
    ("Elena Petrova", "elena.petrova", "epetrova", "Payments Squad"),
    ("Tomás García", "tomas.garcia", "tgarcia", "Mobile Squad"),
    ("Aiko Tanaka", "aiko.tanaka", "atanaka", "Mobile Squad"),
    ("Zoë Schröder", "zoe.schroder", "zschroder", "Mobile Squad"),
    ("Sven Lindqvist", "sven.lindqvist", "slindqvist", "Data Squad"),
    ("Fatima Al-Sayed", "fatima.alsayed", "falsayed", "Data Squad"),
    ("Noah Becker", "noah.becker", "nbecker", "Platform Squad"),
    ("Chloé Martin", "chloe.martin", "cmartin", "Platform Squad"),
    ("Daniel Kim", "daniel.kim", "dkim", "Portal Squad"),
    ("Grace O'Neill", "grace.oneill", "goneill", "Portal Squad"),
    ("Olu Adebayo", "olu.adebayo", "oadebayo", "Portal Squad"),
)
BOT = (BOT_DISPLAY_NAME, BOT_EMAIL.split("@")[0], BOT_NAME, None)


@dataclass(frozen=True, slots=True)
class EpicPlan:
    summary: str
    goal: str | None  # goal id
    state: str  # "todo" | "active" | "done"
    problems: frozenset[str] = frozenset()
    under_initiative: bool = False
    stale_items: int = 0  # in-progress children left untouched for 30+ days
    unassigned_items: int = 0  # in-progress children with nobody assigned
    stories_without_criteria: int = 0
    hostile_children: int = 0  # children whose summary carries hostile-but-realistic text


@dataclass(frozen=True, slots=True)
class InitiativePlan:
    summary: str
    goal: str
    owned: bool


@dataclass(frozen=True, slots=True)
class ProjectPlan:
    key: str
    name: str
    team: str
    initiative: InitiativePlan | None
    epics: tuple[EpicPlan, ...]


def _p(*codes: str) -> frozenset[str]:
    return frozenset(codes)


PROJECTS = (
    ProjectPlan("PAY", "Payments Platform", "Payments Squad", InitiativePlan("Payments modernisation", "G1", True), (
        EpicPlan("Card tokenisation v2", "G1", "done", under_initiative=True),
        EpicPlan("SEPA Instant payouts", "G1", "active", _p(OVER_BUDGET), under_initiative=True),
        EpicPlan("3-D Secure 2.2 rollout", "G3", "active", under_initiative=True, stories_without_criteria=1),
        EpicPlan("Refunds self-service", "G2", "active", hostile_children=2),
        EpicPlan("Fraud scoring in real time", "G3", "active", _p(BURN_AHEAD)),
        EpicPlan("PCI DSS 4.0 readiness", "G3", "active", _p(SLIPPED, OVERDUE)),
        EpicPlan("Legacy gateway decommission", "G2", "done", _p(TIME_ON_CLOSED)),
        EpicPlan("Multi-currency wallets", "G4", "todo", _p(RETIRED_GOAL)),
    )),
    ProjectPlan("MOB", "Mobile App", "Mobile Squad", None, (
        EpicPlan("Onboarding redesign", "G1", "done"),
        EpicPlan("Offline mode for orders", "G1", "active", stale_items=2, stories_without_criteria=1),
        EpicPlan("Push notification preferences", None, "active", _p(NO_GOAL, NO_DUE_DATE)),
        EpicPlan("Accessibility fixes (WCAG 2.2 \"AA\")", "G3", "active", _p(CHILDREN_DONE, HOSTILE_TEXT)),
        EpicPlan("Apple Pay & Google Pay checkout", "G1", "active", _p(HOSTILE_TEXT), unassigned_items=1),
        EpicPlan("Crash-free sessions to 99.8%", "G2", "active", _p(NO_BUDGET)),
        EpicPlan("Dark mode 🌙", "G1", "todo", _p(NO_START_DATE, HOSTILE_TEXT)),
        EpicPlan("In-app chat support", "G4", "active", _p(RETIRED_GOAL)),
    )),
    ProjectPlan("DATA", "Data Warehouse", "Data Squad", None, (
        EpicPlan("Customer 360 model", "G1", "active", _p(OVER_BUDGET)),
        EpicPlan("Migrate ETL to dbt", "G2", "active", unassigned_items=1, stories_without_criteria=2),
        EpicPlan("GDPR erasure pipeline", "G3", "active", _p(OVERDUE)),
        EpicPlan("Finance revenue mart", "G1", "done"),
        EpicPlan("Data quality monitoring", "G2", "active", _p(NO_DUE_DATE, NO_START_DATE)),
        EpicPlan("Self-service BI <Looker>", "G1", "active", _p(HOSTILE_TEXT)),
        EpicPlan("Clickstream ingestion", "G1", "active", _p(STALE)),
        EpicPlan("Retire on-prem Teradata", "G2", "done", _p(TIME_ON_CLOSED)),
    )),
    ProjectPlan("OPS", "Cloud Operations", "Platform Squad", None, (
        EpicPlan("Kubernetes 1.30 upgrade", "G2", "done"),
        EpicPlan("Disaster recovery drill", "G3", "active", _p(SLIPPED)),
        EpicPlan("Cost optimisation: rightsizing", "G2", "active", stale_items=1, unassigned_items=1),
        EpicPlan("Observability with OpenTelemetry", "G2", "active", _p(NO_BUDGET)),
        EpicPlan("Zero-trust network access", "G3", "active", _p(CHILDREN_DONE)),
        EpicPlan("Database backups to immutable storage", "G3", "active"),
        EpicPlan("On-call rota & runbooks", "G2", "todo", _p(NO_OWNER, HOSTILE_TEXT)),
        EpicPlan("Terraform module library", "G2", "done"),
    )),
    ProjectPlan("CRM", "Customer Portal", "Portal Squad", InitiativePlan("Customer self-service", "G1", False), (
        EpicPlan("Self-service invoices", "G1", "active", under_initiative=True, stories_without_criteria=2,
                 hostile_children=2),
        EpicPlan("Single sign-on for business customers", "G3", "active", _p(OVER_BUDGET, OVERDUE)),
        EpicPlan("Case management revamp", "G2", "active", _p(BURN_AHEAD), under_initiative=True),
        EpicPlan("Portal localisation (de, fr, ja)", "G1", "active", _p(NO_DUE_DATE)),
        EpicPlan("Customer feedback widget", None, "todo", _p(NO_GOAL, NO_OWNER)),
        EpicPlan("Loyalty programme pages", "G1", "done"),
        EpicPlan("Contract renewal reminders", "G1", "todo"),
        EpicPlan("Legacy CRM data migration", "G2", "active", _p(STALE, SLIPPED)),
    )),
)  # fmt: skip
