"""Rule impact preview: what a change of the rule files would change on the stored portfolio.

Pure: two lists of findings (the base rules' and the changed rules') and the comment contents they lead to in,
a ``RuleDiff`` out, rendered as text or as Markdown for a pull-request comment. ``pmo_bot.rulesdiff`` does the
I/O (rule files from a directory or a git ref, items from the state store; never Jira).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pmo_bot.domain import Finding


@dataclass(frozen=True, slots=True)
class RuleChange:
    rule_id: str
    opened: tuple[str, ...]  # issue keys with a new finding of this rule
    closed: tuple[str, ...]  # issue keys whose finding of this rule goes away


@dataclass(frozen=True, slots=True)
class RuleDiff:
    items: int
    rules: tuple[RuleChange, ...]
    created: tuple[str, ...] = ()  # issues that would get a comment
    edited: tuple[str, ...] = ()  # issues whose comment would say something else
    resolved: tuple[str, ...] = ()  # issues whose comment would turn into the resolved note
    added_rules: tuple[str, ...] = ()
    removed_rules: tuple[str, ...] = ()
    examples: int = 5
    unevaluated: tuple[str, ...] = ()  # rules with a scope.jql: they need Jira, which a preview never calls

    @property
    def changed(self) -> bool:
        return bool(self.rules or self.created or self.edited or self.resolved)


def compare(
    base: Iterable[Finding],
    changed: Iterable[Finding],
    base_comments: Mapping[str, str],
    changed_comments: Mapping[str, str],
    *,
    items: int,
    base_rules: Sequence[str],
    changed_rules: Sequence[str],
    examples: int = 5,
) -> RuleDiff:
    """``*_comments`` map each issue with something to show to its comment's fingerprint."""
    before = {(f.rule_id, f.item_key) for f in base if not f.waived}
    after = {(f.rule_id, f.item_key) for f in changed if not f.waived}
    per_rule: dict[str, tuple[list[str], list[str]]] = {}
    for rule_id, key in sorted(after - before):
        per_rule.setdefault(rule_id, ([], []))[0].append(key)
    for rule_id, key in sorted(before - after):
        per_rule.setdefault(rule_id, ([], []))[1].append(key)
    keys = set(base_comments) | set(changed_comments)
    return RuleDiff(
        items=items,
        rules=tuple(RuleChange(r, tuple(o), tuple(c)) for r, (o, c) in sorted(per_rule.items())),
        created=tuple(sorted(k for k in keys if k not in base_comments)),
        resolved=tuple(sorted(k for k in keys if k not in changed_comments)),
        edited=tuple(
            sorted(
                k
                for k in keys
                if k in base_comments and k in changed_comments and base_comments[k] != changed_comments[k]
            )
        ),
        added_rules=tuple(sorted(set(changed_rules) - set(base_rules))),
        removed_rules=tuple(sorted(set(base_rules) - set(changed_rules))),
        examples=examples,
    )


def _some(keys: Sequence[str], limit: int) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def _unevaluated(diff: RuleDiff) -> str:
    return f"not evaluated (their scope.jql needs Jira): {', '.join(diff.unevaluated)}" if diff.unevaluated else ""


def render_text(diff: RuleDiff, against: str) -> str:
    lines = [f"Rule impact against {against}, on {diff.items:,} stored issues:"]
    if diff.unevaluated:
        lines.append(f"  {_unevaluated(diff)}")
    if not diff.changed and not diff.added_rules and not diff.removed_rules:
        return "\n".join([lines[0] + " no change.", *lines[1:]])
    for label, ids in (("rules added", diff.added_rules), ("rules removed", diff.removed_rules)):
        if ids:
            lines.append(f"  {label}: {', '.join(ids)}")
    for change in diff.rules:
        parts = []
        if change.opened:
            parts.append(f"+{len(change.opened)} opened ({_some(change.opened, diff.examples)})")
        if change.closed:
            parts.append(f"-{len(change.closed)} closed ({_some(change.closed, diff.examples)})")
        lines.append(f"  {change.rule_id}: {'; '.join(parts)}")
    lines.append("Comments:")
    for label, keys in (("created", diff.created), ("edited", diff.edited), ("resolved", diff.resolved)):
        lines.append(f"  {len(keys)} would be {label}" + (f": {_some(keys, diff.examples)}" if keys else ""))
    return "\n".join(lines)


def render_markdown(diff: RuleDiff, against: str) -> str:
    head = f"### Rule impact against `{against}`\n\nOn {diff.items:,} stored issues"
    note = f"\n\n_{_unevaluated(diff)}_" if diff.unevaluated else ""
    if not diff.changed and not diff.added_rules and not diff.removed_rules:
        return head + f": **no change**.{note}\n"
    lines = [head + ":" + note, ""]
    for label, ids in (("Rules added", diff.added_rules), ("Rules removed", diff.removed_rules)):
        if ids:
            lines.append(f"{label}: {', '.join(f'`{i}`' for i in ids)}")
            lines.append("")
    if diff.rules:
        lines += ["| rule | findings opened | findings closed |", "|---|---|---|"]
        for change in diff.rules:
            opened = f"{len(change.opened)} ({_some(change.opened, diff.examples)})" if change.opened else "0"
            closed = f"{len(change.closed)} ({_some(change.closed, diff.examples)})" if change.closed else "0"
            lines.append(f"| `{change.rule_id}` | {opened} | {closed} |")
        lines.append("")
    lines += ["| comments | issues |", "|---|---|"]
    for label, keys in (("created", diff.created), ("edited", diff.edited), ("resolved", diff.resolved)):
        lines.append(f"| {label} | {len(keys)}" + (f": {_some(keys, diff.examples)}" if keys else "") + " |")
    return "\n".join(lines) + "\n"
