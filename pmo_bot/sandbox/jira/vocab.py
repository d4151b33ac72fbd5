"""JSON for the site's vocabulary: users, projects, issue types, statuses, priorities, options."""

from __future__ import annotations

from typing import Any

from pmo_bot.sandbox.jira.catalogue import (
    ISSUE_TYPE_IDS,
    PRIORITIES,
    STATUS_CATEGORIES,
    STATUS_IDS,
    hierarchy_level,
    status_category,
)
from pmo_bot.sandbox.jira.records import Project, User

TIME_ZONE = "UTC"


def avatar_urls(base: str, kind: str, ident: str) -> dict[str, str]:
    return {f"{n}x{n}": f"{base}/secure/{kind}avatar?size={n}&id={ident}" for n in (48, 24, 16, 32)}


def user_json(api: str, user: User, *, cloud: bool, full: bool = False, time_zone: str = TIME_ZONE) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if cloud:
        data["self"] = f"{api}/user?accountId={user.account_id}"
        data["accountId"] = user.account_id
        data["accountType"] = "atlassian"
    else:
        data["self"] = f"{api}/user?username={user.name}"
        data["name"] = user.name
        data["key"] = user.key
    data["emailAddress"] = user.email
    data["avatarUrls"] = avatar_urls(api.rsplit("/rest/", 1)[0], "user", user.account_id)
    data["displayName"] = user.display_name
    data["active"] = user.active
    data["timeZone"] = time_zone
    if full:
        data["locale"] = "en_US"
        data["groups"] = {"size": 1, "items": []}
        data["applicationRoles"] = {"size": 1, "items": []}
        data["expand"] = "groups,applicationRoles"
    return data


def status_category_json(api: str, key: str) -> dict[str, Any]:
    ident, name, colour = STATUS_CATEGORIES[key]
    return {"self": f"{api}/statuscategory/{ident}", "id": ident, "key": key, "colorName": colour, "name": name}


def status_json(api: str, name: str) -> dict[str, Any]:
    ident = STATUS_IDS.get(name, "1")
    return {
        "self": f"{api}/status/{ident}",
        "description": "",
        "iconUrl": f"{api.rsplit('/rest/', 1)[0]}/images/icons/statuses/generic.png",
        "name": name,
        "id": ident,
        "statusCategory": status_category_json(api, status_category(name)),
    }


def issue_type_json(api: str, name: str) -> dict[str, Any]:
    ident = ISSUE_TYPE_IDS.get(name, "10000")
    level = hierarchy_level(name)
    return {
        "self": f"{api}/issuetype/{ident}",
        "id": ident,
        "description": f"{name}s track work of that kind.",
        "iconUrl": f"{api.rsplit('/rest/', 1)[0]}/images/icons/issuetypes/{name.lower()}.svg",
        "name": name,
        "subtask": level == -1,
        "avatarId": 10300 + int(ident) % 100,
        "hierarchyLevel": level,
    }


def priority_json(api: str, name: str) -> dict[str, Any]:
    ident = PRIORITIES.get(name, "3")
    icon = f"{api.rsplit('/rest/', 1)[0]}/images/icons/priorities/{name.lower()}.svg"
    return {"self": f"{api}/priority/{ident}", "iconUrl": icon, "name": name, "id": ident}


def project_json(api: str, project: Project, lead: User | None, *, cloud: bool, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "self": f"{api}/project/{project.id}",
        "id": str(project.id),
        "key": project.key,
        "name": project.name,
        "avatarUrls": avatar_urls(api.rsplit("/rest/", 1)[0], "project", str(project.id)),
        "projectTypeKey": "software",
    }
    if cloud:
        data["simplified"] = False
        data["style"] = "classic"
        data["isPrivate"] = False
    if full:
        data["description"] = ""
        if lead is not None:
            data["lead"] = user_json(api, lead, cloud=cloud)
        data["issueTypes"] = [issue_type_json(api, name) for name in ISSUE_TYPE_IDS]
        data["assigneeType"] = "UNASSIGNED"
        data["components"] = []
        data["versions"] = []
    return data


def option_json(api: str, field_id: str, option_id: str, value: str) -> dict[str, Any]:
    return {"self": f"{api}/customFieldOption/{option_id}", "value": value, "id": option_id}
