"""会员查询 through the view: by the full ID number or by 姓名, within the user's scope."""

import re

from django.urls import reverse


def test_the_member_lookup_page_shows_an_agent_only_their_units_coverage(client, factory):
    rows = factory.people(1)
    application = factory.effective_application(factory.application(rows=rows))
    url = reverse("enrollment:members")
    client.force_login(application.unit.agent)
    page = client.get(url, {"id_number": rows[0][2].lower()}).content.decode()
    assert 'id="coverage-table"' in page and application.unit.name in page and "重大疾病互助保障" in page
    client.force_login(factory.agent())
    page = client.get(url, {"id_number": rows[0][2]}).content.decode()
    assert "没有查到身份证号为" in page and application.unit.name not in page
    client.force_login(factory.finance())
    assert application.unit.name in client.get(url, {"id_number": rows[0][2]}).content.decode()


# --- 会员查询: by ID number or by 姓名 (within the user's scope) ------------------------------------------


def test_the_member_lookup_finds_members_by_name_with_masked_ids_to_pick_from(client, factory):
    from core.validators import mask_id_number

    unit = factory.approved_unit()
    first = factory.covered_member(unit, name="高秀英")
    second = factory.covered_member(unit, name="高秀英", female=True)
    elsewhere = factory.covered_member(factory.approved_unit(), name="高秀英")  # another agent's unit
    url = reverse("enrollment:members")
    client.force_login(unit.agent)

    page = client.get(url, {"q": "高秀英"}).content.decode()
    assert "没有查到身份证号为" not in page
    rows = re.findall(r'<tr data-member="(\d+)">(.*?)</tr>', page, re.S)
    assert sorted(int(pk) for pk, _ in rows) == sorted([first.pk, second.pk])  # not the other agent's
    assert "（2 人，请选择）" in page
    for _pk, row in rows:
        assert unit.name in row
    assert mask_id_number(first.id_number) in page and first.id_number not in page

    pick = re.search(rf'href="(\?q=[^"]+member={first.pk})"', page).group(1).replace("&amp;", "&")
    detail = client.get(url + pick).content.decode()
    assert 'id="coverage-table"' in detail and mask_id_number(first.id_number) in detail
    assert first.id_number not in detail  # masked here too; 「显示完整」 is a logged request
    # The other agent's member cannot be picked by changing the number in the address.
    other = client.get(url, {"member": elsewhere.pk}).content.decode()
    assert 'id="coverage-table"' not in other and "没有查到该会员" in other


def test_the_member_lookup_finds_by_the_start_of_a_name_and_staff_see_everyone(client, factory):
    unit = factory.approved_unit()
    factory.covered_member(unit, name="高秀英")
    client.force_login(factory.city_reviewer())
    page = client.get(reverse("enrollment:members"), {"q": "高秀"}).content.decode()
    assert len(re.findall(r'<tr data-member="\d+">', page)) == 1


def test_the_member_lookup_says_plainly_what_it_needs(client, factory):
    unit = factory.approved_unit()
    client.force_login(unit.agent)
    url = reverse("enrollment:members")
    page = client.get(url, {"q": "37020219"}).content.decode()
    assert "按身份证号查询需要输入完整的18位（或15位）身份证号；也可以输入会员姓名查询" in page
    page = client.get(url, {"q": "无此人"}).content.decode()
    assert "没有查到姓名为“无此人”的会员（仅查询在您的单位参保过的会员）" in page
    assert "没有查到身份证号为" not in page
