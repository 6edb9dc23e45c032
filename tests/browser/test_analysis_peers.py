"""The office imports the demo streets' and parks' attributes in Chromium, confirms the preview, reads each unit's
nearest neighbours and keeps one unit's as a comparison group. A hostile workbook first: refused whole. axe-core
finds nothing serious on the refusal or the neighbours page.
Screenshots: test-artifacts/analysis-peers-refused.png, analysis-peers-preview.png, analysis-peers.png."""

import io

import pytest
from playwright.sync_api import expect

from jixiao.analysis.attributes import SUGGESTED
from jixiao.analysis.demo_attributes import FIGURES
from jixiao.demo.accounts import DEMO_ACCOUNTS
from jixiao.lib.excel import Sheet, write_workbook
from tests.browser.session import log_in
from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser
OFFICE = next(a for a in DEMO_ACCOUNTS if a.username == "office")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """As test_axe_crawl: axe-core is injected as a script, which the site's Content-Security-Policy forbids."""
    return {**browser_context_args, "bypass_csp": True}
YEAR = 2026
DEFINITION_HEADER = ["属性编码", "属性名称", "计量单位", "权重", "取对数", "允许负值"]


@pytest.fixture
def organisation(transactional_db, settings):
    from jixiao.demo import accounts, build, org

    settings.DEMO_MODE = True
    for step in (org.build, accounts.build):
        step(build.step_rng(step))


def attribute_workbook(path, rows):
    definitions = [[code, name, measure, int(weight), "是" if log else "否", "否"]
                   for code, name, measure, weight, log, _negative in SUGGESTED]
    header = ["单位编码", "单位名称", *(f"{name}（{measure}）" for _code, name, measure, *_rest in SUGGESTED)]
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("属性值", header, rows), Sheet("属性", DEFINITION_HEADER, definitions)])
    path.write_bytes(buffer.getvalue())
    return path


def upload(page, base, path):
    page.goto(f"{base}/analysis/peers/import/?cycle={YEAR}")
    page.get_by_label("单位属性工作簿（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()


def test_the_office_imports_attributes_and_reads_the_neighbours(organisation, live_server, page, shot,
                                                                  external_requests, tmp_path):
    from jixiao.org.models import Group, GroupPurpose, UnitAttributeValue

    base = live_server.url
    log_in(page, base, OFFICE)
    rows = [[code, "", *figures] for code, figures in FIGURES.items()]

    hostile = [*rows, ["S01", "", 1, 1, 1, 1, 1, 1]]
    hostile[3] = ["S04", "", "约七万", *FIGURES["S04"][1:]]
    hostile[5] = ["S06", "", -6.3, *FIGURES["S06"][1:]]
    upload(page, base, attribute_workbook(tmp_path / "有误.xlsx", hostile))
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("单位编码“S01”与第 2 行重复")
    expect(errors).to_contain_text("常住人口须大于 0（该属性取对数），而不是 -6.3")
    expect(errors).to_contain_text("“约七万”")
    shot("analysis-peers-refused")
    assert axe_failures(page) == []
    assert not UnitAttributeValue.objects.exists()

    upload(page, base, attribute_workbook(tmp_path / "单位属性.xlsx", rows))
    expect(page.locator("#import-counts")).to_contain_text("新增值 60")
    shot("analysis-peers-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(f"{base}/analysis/peers/?cycle={YEAR}")
    expect(page.get_by_text("单位属性已导入：10 个单位，新增 60 个值")).to_be_visible()

    table = page.locator("#neighbour-table")
    expect(table).to_be_visible()
    wuxia = table.locator("tbody tr", has_text="S04")
    expect(wuxia.locator("li").first).to_contain_text("丰年街道")
    expect(wuxia.locator("li").first).to_contain_text("最相近的属性：城镇化率、常住人口、一般公共预算收入")
    shot("analysis-peers")
    assert axe_failures(page) == []

    wuxia.get_by_role("button", name="保存为比较组").click()
    expect(page.get_by_text("已保存比较组“无瑕街道及其近邻单位”（NN-S04）")).to_be_visible()
    group = Group.objects.get(code="NN-S04", cycle__year=YEAR)
    assert group.purpose == GroupPurpose.COMPARE and group.units.count() == 6
    assert external_requests == []
