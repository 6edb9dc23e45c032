"""Logging in through the real login (and TOTP) pages, shared by the browser tests."""

import re

from jixiao.demo.accounts import DemoAccount, account


def log_in(page, base_url, who, password=None):
    """Log in as a demo account (or its username) with its own password, or as any username with `password`.

    Demo accounts that need a second factor read the code the TOTP page shows in demo mode.
    """
    if password is None and isinstance(who, str):
        who = account(who)
    username = who.username if isinstance(who, DemoAccount) else who
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password if password is not None else who.password)
    page.get_by_role("button", name="登录").click()
    if isinstance(who, DemoAccount) and who.needs_totp:
        page.wait_for_url(re.compile(r"/login/totp/"))
        code = page.get_by_test_id("demo-totp").locator("strong").inner_text().strip()
        page.get_by_label("6 位验证码").fill(code)
        page.get_by_role("button", name=re.compile("验证并登录|绑定并登录")).click()
    page.wait_for_url(f"{base_url}/")
