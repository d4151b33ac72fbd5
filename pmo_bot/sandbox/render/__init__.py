"""Pure renderers for the sandbox's human views: storage format, ADF and Jira wiki markup to safe HTML."""

from __future__ import annotations

from pmo_bot.sandbox.render.adf import adf_to_html
from pmo_bot.sandbox.render.css import BASE_CSS
from pmo_bot.sandbox.render.storage import storage_to_html
from pmo_bot.sandbox.render.wiki import wiki_to_html

__all__ = ["BASE_CSS", "adf_to_html", "storage_to_html", "wiki_to_html"]
