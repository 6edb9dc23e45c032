"""`create_api_token`: prints the secret once (stdout, nothing else there), refuses bad input in Chinese and makes
nothing then."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.api import tokens
from jixiao.api.models import ApiToken
from jixiao.audit.models import Event

pytestmark = pytest.mark.django_db


def test_prints_the_secret_alone_on_stdout(cast, capsys):
    call_command("create_api_token", "--user", "street_reporter", "--scope", "read，write", "--units", "S01",
                 "--days", "10", "--name", "街道对接")
    out, err = capsys.readouterr()
    token = ApiToken.objects.get()
    assert out.strip().startswith(f"jx_{token.prefix}_") and out.count("\n") == 1
    assert token.digest == tokens.digest_of(out.strip())
    assert "只显示这一次" in err and out.strip() not in err
    assert (token.name, token.scopes, tokens.unit_ids(token)) == ("街道对接", "read,write",
                                                                   {cast.street.pk, cast.village.pk})
    assert Event.objects.get(code="api.token_created").after["units"] == ["S01"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--user", "nobody", "--scope", "read"], "账号“nobody”不存在。"),
    (["--user", "reporter", "--scope", "read,admin"], "权限范围无效：admin"),
    (["--user", "reporter", "--scope", ","], "权限范围无效：（空）"),
    (["--user", "reporter", "--scope", "read", "--units", "S01,X99"], "单位编码不存在：X99"),
    (["--user", "reporter", "--scope", "read", "--days", "0"], "有效期应为 1–366 天。"),
    (["--user", "reporter", "--scope", "read", "--days", "367"], "有效期应为 1–366 天。"),
    (["--user", "secadmin", "--scope", "read"], "安全管理员"),
    (["--user", "reporter", "--scope", "read", "--role", "leader"], "没有角色“leader”"),
])
def test_bad_input_is_refused_and_nothing_made(cast, capsys, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *arguments)
    assert capsys.readouterr().out == ""
    assert not ApiToken.objects.exists()
