"""Item snapshots survive JSON and both databases exactly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from pmo_bot.domain import EMPTY, FieldChange, Item, StatusCategory, Worklog
from pmo_bot.store import Store
from pmo_bot.store.codec import encode, item_from_text
from pmo_bot.store.models import ItemRow
from tests.factories import make_item

zones = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones)
texts = st.text(max_size=30)
maybe_text = st.none() | texts
numbers = st.none() | st.floats(allow_nan=False, allow_infinity=False, width=64)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)

items = st.builds(
    Item,
    key=st.from_regex(r"[A-Z]{2,5}-[1-9][0-9]{0,4}", fullmatch=True),
    id=st.from_regex(r"[0-9]{1,8}", fullmatch=True),
    project=texts,
    issue_type=texts,
    hierarchy_level=st.integers(-1, 4),
    summary=texts,
    status=texts,
    status_category=st.sampled_from(StatusCategory),
    created=instants,
    updated=instants,
    description=maybe_text,
    labels=st.lists(texts, max_size=3).map(tuple),
    fix_versions=st.lists(texts, max_size=2).map(tuple),
    resolved=st.none() | instants,
    due_date=st.none() | st.dates(),
    start_date=st.none() | st.dates(),
    parent_key=maybe_text,
    budget=numbers,
    story_points=numbers,
    time_spent_seconds=st.none() | st.integers(0, 10**9),
    worklogs=st.lists(st.builds(Worklog, instants, st.integers(0, 10**6), maybe_text), max_size=3).map(tuple),
    changelog=st.lists(st.builds(FieldChange, texts, instants, maybe_text, maybe_text), max_size=3).map(tuple),
    extra=st.dictionaries(texts, json_values, max_size=3),
)


def _same(a: Item, b: Item) -> None:
    assert a == b
    assert dict(a.extra) == dict(b.extra)  # extra is compare=False on Item
    for name in ("created", "updated", "resolved"):
        x, y = getattr(a, name), getattr(b, name)
        assert x is None or x.utcoffset() == y.utcoffset()  # the offset itself survives, not just the instant


@given(items)
@settings(max_examples=60)
def test_any_item_round_trips_through_json(item: Item) -> None:
    text, _ = encode(item)
    _same(item_from_text(text), item)
    assert json.loads(text)["key"] == item.key  # a JSON object, as any other tool reads it


@given(items)
@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_any_item_round_trips_through_the_database(store: Store, item: Item) -> None:
    store.items.upsert([item], run_id=None)
    back = store.items.get(item.key)
    assert back is not None
    _same(back, item)
    with store.db.session() as session:  # stored as a JSON object, not as a string holding one
        snapshot = session.exec(select(ItemRow.snapshot).where(ItemRow.key == item.key)).one()
    assert snapshot["key"] == item.key


def test_decoded_extra_is_read_only() -> None:
    item = item_from_text(encode(make_item(extra={"risk": "high"}))[0])
    assert item.extra == {"risk": "high"}
    assert item_from_text(encode(make_item())[0]).extra is EMPTY  # the shared one, not a fresh dict
    try:
        item.extra["risk"] = "low"  # type: ignore[index]
    except TypeError:
        return
    raise AssertionError("extra must be read-only")


def test_content_hash_ignores_updated_but_nothing_else() -> None:
    base = make_item(due_date=date(2026, 12, 1))
    bumped = make_item(due_date=date(2026, 12, 1), updated=datetime(2026, 12, 24, tzinfo=UTC))
    slipped = make_item(due_date=date(2026, 12, 2))
    _, digest = encode(base)
    assert encode(bumped)[1] == digest
    assert encode(slipped)[1] != digest
    assert encode(make_item(due_date=date(2026, 12, 1), extra={"risk": "high"}))[1] != digest  # extra counts
