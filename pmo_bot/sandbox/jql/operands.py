"""Turn a clause's operand into comparable targets for one field kind, collecting Jira's validation errors.

With a resolver that also implements ``ValueDomain``, unknown values are refused as Jira refuses them:
``project = NOPE`` ("The value 'NOPE' does not exist...") and ``key = PMO-999`` ("An issue with key...").
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from pmo_bot.sandbox.jql import errors
from pmo_bot.sandbox.jql.ast import Clause, Empty, Function, Literal, ValueList
from pmo_bot.sandbox.jql.dates import DATE_FUNCTIONS, call_date_function, resolve_literal
from pmo_bot.sandbox.jql.fields import FieldResolver, ValueDomain

KEY = re.compile(r"([A-Za-z][A-Za-z0-9_]*)-(\d+)")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_DATE_KINDS = frozenset({"date", "datetime"})
_KEY_KINDS = frozenset({"key", "issue"})
# Validated against the resolver's ValueDomain, if it offers one.
_DOMAIN_KINDS = frozenset(
    {"project", "issuetype", "status", "statuscategory", "resolution", "option", "version", "user"}
)
# Atlassian's JQL functions reference (Cloud and DC, lower case) that the sandbox does not implement: valid JQL,
# so a query using one is refused as unsupported by the sandbox rather than as an unknown function.
JIRA_FUNCTIONS = frozenset(
    """approved approver breached cascadeoption choiceoption closedsprints completed componentsleadbyuser
    currentlogin currentorganisation earliestunreleasedversion earliestunreleasedversionbyreleasedate elapsed
    everbreached futuresprints issuehistory issuepickerhistory issuewatchedby issueswithremotelinksbyglobalid
    lastlogin latestreleasedversion linkedissues membersof mycustomerrequests myapproval mypending
    mypendingapprovals opensprints organizationmembers outdated paused pending pendingby projectswhereuserhaspermission
    projectswhereuserhasrole projectsleadbyuser releasedversions remaining running standardissuetypes
    subtaskissuetypes unreleasedversions updatedby votedissues watchedissues withinbusinesshours""".split()  # noqa: SIM905
)


@dataclass
class Targets:
    """The values a clause compares with: ``values`` normalised for the kind, ``empty`` if EMPTY is among them."""

    values: list[Any] = field(default_factory=list)
    empty: bool = False


@dataclass
class OperandReader:
    resolver: FieldResolver
    now: datetime
    tz: tzinfo
    current_user: str | None
    problems: list[str]
    domains: dict[str, Collection[str] | None] = field(default_factory=dict)

    def read(self, clause: Clause, field_id: str, kind: str) -> Targets:
        operand = clause.operand
        items = operand.items if isinstance(operand, ValueList) else (operand,)
        targets = Targets()
        for item in items:
            if isinstance(item, Empty):
                targets.empty = True
            elif isinstance(item, Function):
                self._function(item, clause.field, kind, targets)
            else:
                self._literal(item, clause.field, field_id, kind, targets)
        return targets

    def _function(self, item: Function, name: str, kind: str, targets: Targets) -> None:
        key = item.name.lower()
        if key == "now" or key in DATE_FUNCTIONS:
            high = 0 if key == "now" else 1
            if len(item.args) > high:
                self.problems.append(errors.function_arguments(item.name, 0, high, len(item.args)))
            elif kind not in _DATE_KINDS:
                self.problems.append(errors.function_not_for_field(item.name, name))
            else:
                moment = call_date_function(item.name, item.args, self.now, self.tz)
                if isinstance(moment, str):
                    self.problems.append(errors.function_argument(item.name, moment))
                else:
                    targets.values.append(moment)
        elif key == "currentuser":
            if item.args:
                self.problems.append(errors.function_arguments(item.name, 0, 0, len(item.args)))
            elif kind != "user":
                self.problems.append(errors.function_not_for_field(item.name, name))
            elif self.current_user is not None:
                targets.values.append(self.current_user.lower())
            # Anonymous: currentUser() matches nobody, as for an anonymous Jira search.
        elif key in JIRA_FUNCTIONS:
            self.problems.append(errors.sandbox_unsupported(f"the JQL function '{item.name}()'"))
        else:
            self.problems.append(errors.unknown_function(item.name))

    def _literal(self, item: Literal, name: str, field_id: str, kind: str, targets: Targets) -> None:
        text = item.text
        if kind in _DATE_KINDS:
            moment = resolve_literal(text, self.now, self.tz)
            if moment is None:
                self.problems.append(errors.invalid_date(text, name))
            else:
                targets.values.append(moment)
        elif kind == "number":
            if _NUMBER.fullmatch(text.strip()):
                targets.values.append(float(text))
            else:
                self.problems.append(errors.invalid_number(text, name))
        elif kind in _KEY_KINDS:
            if not (KEY.fullmatch(text) or (kind == "key" and text.isdigit())):
                self.problems.append(errors.invalid_key(text, name))
                return
            known_keys = self._domain(field_id, fold=False)
            if known_keys is not None and text.upper() not in known_keys:
                self.problems.append(errors.missing_issue(text, name))
                return
            targets.values.append(text.upper())
        elif kind == "resolution" and text.lower() == "unresolved":
            targets.empty = True
        else:
            known = self._domain(field_id, fold=True) if kind in _DOMAIN_KINDS else None
            if known is not None and text.lower() not in known:
                self.problems.append(errors.unknown_value(text, name))
                return
            targets.values.append(text if kind in ("text", "string") else text.lower())

    def _domain(self, field_id: str, *, fold: bool) -> Collection[str] | None:
        """The resolver's known values for a field (if it offers them), lower-cased once per field.

        Issue keys are not folded: the collection may be the site's whole key index, so it is used as given
        and must hold upper-case keys.
        """
        if not isinstance(self.resolver, ValueDomain):
            return None
        if field_id not in self.domains:
            known = self.resolver.known_values(field_id)
            self.domains[field_id] = None if known is None else frozenset(k.lower() for k in known) if fold else known
        return self.domains[field_id]
