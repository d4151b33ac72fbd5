"""Authentication is checked like the real products: Basic on Cloud, Bearer PAT or Basic on Data Center."""

from __future__ import annotations

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox

JIRA_401 = ["You are not authenticated. Authentication required to perform this operation."]


@pytest.mark.parametrize("auth", [None, ("pmo-bot@example.com", "wrong"), ("someone@example.com", "sandbox-token")])
def test_jira_refuses_missing_or_wrong_credentials(small_site: RunningSandbox, auth: tuple[str, str] | None) -> None:
    response = requests.get(f"{small_site.url}/rest/api/2/myself", auth=auth)
    assert response.status_code == 401
    assert response.json() == {"errorMessages": JIRA_401, "errors": {}}


def test_bearer_token_works_on_datacenter_only(small_site: RunningSandbox) -> None:
    headers = {"Authorization": f"Bearer {small_site.token}"}
    response = requests.get(f"{small_site.url}/rest/api/2/myself", headers=headers)
    assert response.status_code == (200 if small_site.flavor == "datacenter" else 401)


def test_basic_auth_works_on_both_and_names_the_user(http: requests.Session, small_site: RunningSandbox) -> None:
    me = http.get(f"{small_site.url}/rest/api/2/myself").json()
    assert me["emailAddress"] == small_site.user
    if small_site.flavor == "cloud":
        assert me["accountId"]
        assert "name" not in me
    else:
        assert me["name"] == small_site.user
        assert me["key"].startswith("JIRAUSER")


def test_confluence_paths_answer_401_in_confluence_shapes(small_site: RunningSandbox) -> None:
    v1 = requests.get(f"{small_site.confluence_url}/rest/api/content")
    assert v1.status_code == 401
    assert v1.json()["statusCode"] == 401
    if small_site.flavor == "cloud":
        v2 = requests.get(f"{small_site.url}/wiki/api/v2/pages")
        assert v2.status_code == 401
        assert v2.json()["errors"][0]["status"] == 401


def test_operator_endpoints_need_no_credentials(small_site: RunningSandbox) -> None:
    assert requests.get(f"{small_site.url}/_sandbox/health").json()["status"] == "ok"
