"""The broken corpus: one file (or directory) per kind of mistake, each with its exact message and place."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_bot.rules.loader import check

BROKEN = Path(__file__).parent / "broken"

# (file or directory under broken/ + file reported, line, column, message after "file:line:col: ")
CORPUS: list[tuple[str, int, int, str]] = [
    (
        "bad-date.yaml",
        6,
        45,
        "rule 'the-rule' > check > value: '2026-02-30' is not a valid date: day is out of range for month",
    ),
    (
        "bad-id.yaml",
        2,
        9,
        "rule 'The_Rule' > id: 'The_Rule' must be kebab-case: lowercase letters, digits and single dashes",
    ),
    (
        "bad-param-name.yaml",
        6,
        13,
        "rule 'the-rule' > params: parameter name 'min-cpi' must use letters, digits and _ (e.g. max_days)",
    ),
    ("bad-version.yaml", 1, 10, "version: must be 1, got 2"),
    ("composition-typo.yaml", 7, 7, "rule 'the-rule' > check > alll: unknown key 'alll' (did you mean 'all'?)"),
    (
        "days-not-date.yaml",
        6,
        35,
        "rule 'the-rule' > check > days: 'days: since' needs a date; field 'summary' is text",
    ),
    (
        "duplicate-id-across-files/rules.yaml",
        2,
        9,
        "rule 'the-rule' > id: duplicate rule id 'the-rule' "
        "(first defined at broken/duplicate-id-across-files/more.yaml:2)",
    ),
    (
        "duplicate-id.yaml",
        9,
        9,
        "rule 'the-rule' > id: duplicate rule id 'the-rule' (first defined at broken/duplicate-id.yaml:2)",
    ),
    ("duplicate-key.yaml", 6, 5, "rule 'the-rule': duplicate key 'severity' (first written on line 5)"),
    ("empty.yaml", 1, 1, "expected a mapping with a 'rules:' list, found an empty file"),
    (
        "eq-with-list.yaml",
        6,
        45,
        "rule 'the-rule' > check > value: operator 'eq' compares with one value, not a list (use 'in'?)",
    ),
    ("field-and-metric.yaml", 6, 12, "rule 'the-rule' > check: give either 'field' or 'metric', not both"),
    (
        "goal-not-defined/rules.yaml",
        6,
        41,
        "rule 'the-rule' > check > value: goal 'G-PAYY' is not defined in strategy.yaml (did you mean 'G-PAY'?)",
    ),
    ("in-needs-list.yaml", 6, 45, "rule 'the-rule' > check > value: operator 'in' needs a list of values, e.g. [a, b]"),
    (
        "invalid-regex.yaml",
        6,
        47,
        "rule 'the-rule' > check > value: invalid regular expression '([A-Z]+': "
        "missing ), unterminated subpattern at position 0",
    ),
    (
        "jql-order-by.yaml",
        7,
        12,
        "rule 'the-rule' > scope > jql: a JQL fragment cannot contain ORDER BY (pmo-bot orders the fetch itself)",
    ),
    ("jql-unbalanced.yaml", 7, 12, "rule 'the-rule' > scope > jql: unbalanced parentheses in the JQL fragment"),
    (
        "metric-as-field.yaml",
        6,
        20,
        "rule 'the-rule' > check > field: unknown field 'cpi' ('cpi' is a metric: write 'metric: cpi')",
    ),
    ("missing-check.yaml", 2, 5, "rule 'the-rule': missing required key 'check'"),
    ("missing-value.yaml", 6, 12, "rule 'the-rule' > check: operator 'gt' needs a 'value'"),
    ("negative-grace.yaml", 6, 28, "rule 'the-rule' > grace > held_for_days: must be at least 0, got -3"),
    ("no-subject.yaml", 6, 12, "rule 'the-rule' > check: a test needs a subject: 'field: NAME' or 'metric: NAME'"),
    ("number-expected.yaml", 6, 43, "rule 'the-rule' > check > value: expected a number, got 'ten'"),
    (
        "operator-kind.yaml",
        6,
        32,
        "rule 'the-rule' > check > op: operator 'regex' does not apply to a number (field 'budget')",
    ),
    (
        "python-tag.yaml",
        6,
        12,
        "rule 'the-rule' > owner: unsupported YAML tag '!!python/object/apply:os.system': "
        "only plain values are allowed",
    ),
    ("rates-missing-default/rates.yaml", 1, 1, "missing required key 'default'"),
    ("rates-negative/rates.yaml", 3, 8, "projects > PAY: must be at least 0, got -5"),
    (
        "scope-key-typo.yaml",
        7,
        7,
        "rule 'the-rule' > scope > issue_type: unknown key 'issue_type' (did you mean 'issue_types'?)",
    ),
    (
        "scope-status-category.yaml",
        7,
        27,
        "rule 'the-rule' > scope > status_categories > 0: "
        "unknown status category 'in-progres' (did you mean 'in-progress'?)",
    ),
    ("status-category-value.yaml", 6, 52, "rule 'the-rule' > check > value: unknown status category 'finished'"),
    (
        "strategy-goal-status/strategy.yaml",
        4,
        13,
        "goal 'G-PAY' > status: unknown status 'archived' (did you mean 'active'?)",
    ),
    ("strategy-period/strategy.yaml", 4, 38, "goal 'G-PAY' > period > end: the period ends before it starts"),
    ("strategy-two-links/strategy.yaml", 3, 3, "link: give exactly one of field, parent_level, label_prefix"),
    (
        "template-attribute.yaml",
        7,
        14,
        "rule 'the-rule' > message: unknown attribute 'item.budjet' (did you mean 'budget'?)",
    ),
    ("template-metric.yaml", 7, 14, "rule 'the-rule' > message: unknown attribute 'metrics.cpy' (did you mean 'cpi'?)"),
    ("template-syntax.yaml", 7, 14, "rule 'the-rule' > message: template syntax error: unexpected '}'"),
    ("template-variable.yaml", 7, 14, "rule 'the-rule' > message: unknown template variable 'issue'"),
    ("top-level-list.yaml", 1, 1, "expected a mapping with a 'rules:' list, found a list"),
    ("top-level-typo.yaml", 1, 1, "rule: unknown key 'rule' (did you mean 'rules'?)"),
    ("unknown-field.yaml", 6, 20, "rule 'the-rule' > check > field: unknown field 'budjet' (did you mean 'budget'?)"),
    ("unknown-key.yaml", 6, 5, "rule 'the-rule' > mesage: unknown key 'mesage' (did you mean 'message'?)"),
    ("unknown-metric.yaml", 6, 21, "rule 'the-rule' > check > metric: unknown metric 'cpy' (did you mean 'cpi'?)"),
    ("unknown-mode.yaml", 6, 11, "rule 'the-rule' > mode: unknown mode 'enforced' (did you mean 'enforce'?)"),
    ("unknown-operator.yaml", 6, 30, "rule 'the-rule' > check > op: unknown operator 'gte' (did you mean 'ge'?)"),
    (
        "unknown-param.yaml",
        7,
        49,
        "rule 'the-rule' > check > value > param: unknown parameter 'min_cpy' (did you mean 'min_cpi'?)",
    ),
    (
        "unknown-ref-metric.yaml",
        6,
        51,
        "rule 'the-rule' > check > value > metric: unknown metric 'budgett' (did you mean 'budget'?)",
    ),
    (
        "unknown-severity.yaml",
        5,
        15,
        "rule 'the-rule' > severity: unknown severity 'critical'; expected one of info, warning, error",
    ),
    ("value-not-taken.yaml", 6, 43, "rule 'the-rule' > check > value: operator 'present' takes no value"),
    (
        "waiver-bad-date/waivers.yaml",
        6,
        14,
        "waiver 1 > expires: '2027-02-30' is not a valid date: day is out of range for month",
    ),
    ("waiver-bad-issue-key/waivers.yaml", 3, 14, "waiver 1 > issues > 0: 'pay 1' is not an issue key (like PAY-123)"),
    ("waiver-missing-approver/waivers.yaml", 2, 5, "waiver 1: missing required key 'approver'"),
    (
        "waiver-unknown-rule/waivers.yaml",
        2,
        11,
        "waiver 1 > rule: waiver for unknown rule 'the-rul' (did you mean 'the-rule'?)",
    ),
    ("wrong-type.yaml", 6, 12, "rule 'the-rule' > owner: expected text, got a list ['jane', 'john']"),
    ("yaml-syntax.yaml", 4, 13, "YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence)"),
    (
        "yaml-tab.yaml",
        3,
        1,
        "YAML syntax error: found character '\\t' that cannot start any token (while scanning for the next token)",
    ),
]


def test_the_corpus_covers_at_least_thirty_kinds_of_mistake() -> None:
    on_disk = sorted(path.name for path in BROKEN.iterdir())
    assert len(CORPUS) >= 30
    assert sorted(entry[0].split("/")[0] for entry in CORPUS) == on_disk


@pytest.mark.parametrize(("name", "line", "column", "message"), CORPUS, ids=[entry[0] for entry in CORPUS])
def test_each_broken_file_reports_its_mistake_at_its_place(name: str, line: int, column: int, message: str) -> None:
    target = BROKEN / name.split("/", maxsplit=1)[0]
    bundle, problems = check([target])

    assert bundle is None
    reported = {
        (Path(p.file), p.line, p.column, str(p).split(f":{p.line}:{p.column}: ", 1)[-1].replace(str(BROKEN), "broken"))
        for p in problems
    }
    assert (BROKEN / name, line, column, message) in reported, "\n".join(map(str, problems))


def test_problems_are_printed_as_file_line_column_where_and_what() -> None:
    _, problems = check([BROKEN / "unknown-field.yaml"])

    assert [str(p) for p in problems] == [
        f"{BROKEN / 'unknown-field.yaml'}:6:20: rule 'the-rule' > check > field: "
        "unknown field 'budjet' (did you mean 'budget'?)"
    ]
