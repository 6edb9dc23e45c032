from django.urls import reverse

from tests.cast import grant

URL = reverse("org:my_unit")


def test_street_reporter_sees_street_people_and_villages(cast, login):
    grant(cast.reviewer, cast.street, "reviewer")
    page = login(cast.street_reporter).get(URL).content.decode()
    assert "华明街道" in page and "胡张庄村" in page and "所辖村/社区" in page
    assert "street_reporter" in page and "reviewer" in page and "审核人" in page
    assert "区统计局" not in page


def test_bureau_user_sees_own_bureau_only(cast, login):
    page = login(cast.reporter).get(URL).content.decode()
    assert "区发展和改革委员会" in page and "填报员" in page and "评议人" in page  # rater of the same bureau
    assert "所辖村/社区" not in page and "华明街道" not in page


def test_switching_membership_switches_the_page(cast, login):
    second = grant(cast.reporter, cast.other_street, "reporter")
    page = login(cast.reporter, membership=second).get(URL).content.decode()
    assert '<h1 class="h4 mb-1">金桥街道</h1>' in page
