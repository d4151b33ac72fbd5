"""The Confluence space every seeded site has: ``PMO`` with its home page, the parent page of the weekly
portfolio reports and a page explaining rules and waivers. Bodies are Confluence storage format."""

from __future__ import annotations

from datetime import datetime

from pmo_bot.sandbox.seed.model import SeedPage, SeedSpace

SPACE_KEY = "PMO"
SPACE_NAME = "Project Management Office"
HOME_TITLE = "PMO Home"
REPORTS_TITLE = "Portfolio reports"
RULES_TITLE = "Rules and waivers"

_HOME = """<ac:structured-macro ac:name="info" ac:schema-version="1"><ac:rich-text-body>
<p>Welcome to the Project Management Office space. Everything here as of {day}.</p>
</ac:rich-text-body></ac:structured-macro>
<h2>What you find here</h2>
<ul>
<li><ac:link><ri:page ri:content-title="{reports}" /></ac:link> &ndash; the weekly portfolio report written by
pmo-bot: RAG per project, budget burn and forecast, alignment with strategic goals, deliverables due.</li>
<li><ac:link><ri:page ri:content-title="{rules}" /></ac:link> &ndash; the policies pmo-bot checks and the
waivers in force.</li>
</ul>
<h2>Contents</h2>
<ac:structured-macro ac:name="toc" ac:schema-version="1" />
<p>Questions? Ask in the PMO channel or comment on this page.</p>"""

_REPORTS = """<p>One page per week, newest first. Each report compares with the week before.</p>
<ac:structured-macro ac:name="children" ac:schema-version="2">
<ac:parameter ac:name="sort">creation</ac:parameter><ac:parameter ac:name="reverse">true</ac:parameter>
</ac:structured-macro>"""

_RULES = """<p>The rules live as YAML files next to pmo-bot's configuration; this page explains them to everyone
else.</p>
<table><tbody>
<tr><th>Category</th><th>What is checked</th></tr>
<tr><td>Alignment</td><td>Epics link to an active strategic goal; nothing new starts under a retired goal.</td></tr>
<tr><td>Budget</td><td>Epics in delivery have a budget; cost stays within budget &amp; forecast.</td></tr>
<tr><td>Deliverables</td><td>Dates set and kept; stories carry acceptance criteria; no stale work.</td></tr>
</tbody></table>
<ac:structured-macro ac:name="note" ac:schema-version="1"><ac:rich-text-body>
<p>Need an exception? Ask the PMO for a waiver: it names the rule, the issues, a reason and an expiry date.</p>
</ac:rich-text-body></ac:structured-macro>"""


def spaces(now: datetime) -> tuple[SeedSpace, ...]:
    """The seeded spaces as of ``now`` (only the date shows, on the home page)."""
    day = now.date().isoformat()
    home = _HOME.format(day=day, reports=REPORTS_TITLE, rules=RULES_TITLE)
    pages = (SeedPage(REPORTS_TITLE, _REPORTS), SeedPage(RULES_TITLE, _RULES))
    return (SeedSpace(SPACE_KEY, SPACE_NAME, HOME_TITLE, pages, home_body=home),)
