"""The public menu in the portal's layout: `{% portal_menu %}` renders menu.MENU with the current entry marked."""

from django import template

from jixiao.portal import menu

register = template.Library()


@register.inclusion_tag("portal/_menu.html", takes_context=True)
def portal_menu(context):
    request = context.get("request")
    return {"items": menu.entries(request.path if request is not None else "")}
