"""The public menu of the portal (门户栏目): one plain list of (label, url name), shown by portal/base.html.

Add an entry by appending a tuple; an entry whose url name does not resolve yet is left out of the menu rather
than breaking every public page. The first entry whose url is a prefix of the current path is marked current
(the home entry only on the home page itself).
"""

from django.urls import NoReverseMatch, reverse

MENU = [
    ("首页", "portal:index"),
    ("绩效结果", "portal:results"),
    ("部门绩效", "portal:units"),
    ("整改公开", "portal:rectification"),
    ("参加评议", "portal:evaluate"),
    ("通知公告", "portal:notices"),
    ("政策文件", "portal:policies"),
    ("数据开放", "portal:data"),
    ("分析报告", "portal:reports"),
    ("互动交流", "portal:hudong"),
]


def entries(path: str = "") -> list[dict]:
    """The menu as [{label, url, current}] for a page at ``path``."""
    items = []
    for label, name in MENU:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "current": False})
    home = reverse("portal:index")
    matches = [i for i in items if path == i["url"] or (i["url"] != home and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items
