"""What the crash and fault-storm suites assert after their one clean rerun, read from the sandbox's own state.

Exactly one bot comment on each issue due one and none elsewhere (with ``resolved_comment = "keep"`` a fixed issue
may keep one, as a resolved note); each shows what it must; and the store agrees with Jira: the comment id,
its state and the body the store says it wrote. The sandbox's state is the truth the REST API serves, read in
one pass under its lock: exact at 10k issues, where a REST read per issue would take longer than the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pmo_bot.atlassian.ports import STATE_PROPERTY
from pmo_bot.comments.writer import body_hash
from pmo_bot.richtext import plain_text
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store.records import BotComment

LISTS_FINDINGS = "open PMO finding"  # the heading of a comment that lists findings ("2 open PMO findings ...")


@dataclass(frozen=True, slots=True)
class JiraComment:
    id: str
    body: Any  # as Jira holds it: ADF (Cloud) or wiki markup (Data Center)

    @property
    def text(self) -> str:
        return plain_text(self.body) if isinstance(self.body, dict) else str(self.body).replace("\\", "")


def bot_comments(site: RunningSandbox) -> dict[str, list[JiraComment]]:
    """Every issue of the site with the bot's comments on it (an empty list where there are none)."""
    state = site.sandbox.jira
    with site.sandbox.lock:
        bot = state.bot.account_id
        return {
            issue.key: [JiraComment(str(c.id), c.body) for c in issue.comments if c.author == bot]
            for issue in state.issues
        }


def state_properties(site: RunningSandbox) -> dict[str, Mapping[str, Any]]:
    """The ``pmo-bot.state`` property of every issue that has one."""
    with site.sandbox.lock:
        return {
            issue.key: dict(issue.properties[STATE_PROPERTY])
            for issue in site.sandbox.jira.issues
            if isinstance(issue.properties.get(STATE_PROPERTY), dict)
        }


def assert_comments_match(
    site: RunningSandbox,
    stored: Mapping[str, BotComment],
    due: Mapping[str, Sequence[str]],
    resolved_comment: str,
) -> dict[str, list[JiraComment]]:
    """``due``: each issue that must carry the bot's comment, with texts that comment must show; ``stored``: the
    store's comment records. Returns the bot's comments, issue by issue."""
    found = bot_comments(site)
    assert set(due) <= set(found), f"issues not on the site: {sorted(set(due) - set(found))[:10]}"
    duplicated = {key: len(mine) for key, mine in found.items() if len(mine) > 1}
    assert not duplicated, f"more than one bot comment: {duplicated}"
    for key, mine in found.items():
        record = stored.get(key)
        if key in due:
            assert len(mine) == 1, f"{key}: no bot comment on a non-compliant issue"
            for text in due[key]:
                assert text in mine[0].text, f"{key}: the comment does not show {text!r}"
            assert LISTS_FINDINGS in mine[0].text, f"{key}: a resolved note on a non-compliant issue"
            assert record is not None, f"{key}: the store does not know its comment"
            assert record.state.value == "open", f"{key}: stored as {record.state.value}"
        elif resolved_comment == "delete":
            assert mine == [], f"{key}: a bot comment left on a compliant issue"
            assert record is None or record.state.value == "deleted", f"{key}: stored as {record.state.value}"
            continue
        elif mine:
            # The resolved note: "all checks pass", or "nothing to act on now" beside findings held in audit mode.
            assert LISTS_FINDINGS not in mine[0].text, f"{key}: a compliant issue's comment still lists findings"
            assert record is not None, f"{key}: the store does not know its comment"
            assert record.state.value == "resolved", f"{key}: stored as {record.state.value}"
        else:
            assert record is None or record.state.value == "deleted", f"{key}: the store names a missing comment"
            continue
        assert record.comment_id == mine[0].id, f"{key}: the store names comment {record.comment_id}, not {mine[0].id}"
        assert record.body_hash == body_hash(mine[0].body), f"{key}: the store did not write what Jira shows"
    return found


def assert_properties_agree(site: RunningSandbox, stored: Mapping[str, BotComment]) -> None:
    """The ``pmo-bot.state`` property names the comment, fingerprint and state the store has (the bot's fallback
    for a lost store). Not for the crash suite: a kill between the store and the property leaves the property
    behind by design, because the writer verifies author and marker before it trusts a property."""
    properties = state_properties(site)
    for key, record in stored.items():
        value = properties.get(key)
        assert value is not None, f"{key}: the store has a comment record but Jira no pmo-bot.state"
        assert value.get("commentId") == record.comment_id, f"{key}: property {value} vs stored {record.comment_id}"
        assert value.get("fingerprint") == record.fingerprint, f"{key}: property {value} vs {record.fingerprint}"
        assert value.get("state") == record.state.value, f"{key}: property {value} vs stored {record.state.value}"
