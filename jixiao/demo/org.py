"""Demo organisation (示范数据): 示范区 with its departments, streets, parks, villages, cycles, groups and cadres.

The tables below are the whole district; docs/demo.md explains the code scheme. Everything random (village
names, cadre names, tenures) comes from the step's own `rng`, so the same rows are built every run.
"""

import datetime
from dataclasses import dataclass

from jixiao.org.models import (
    Cadre,
    CadrePost,
    Cycle,
    CycleStatus,
    Group,
    GroupPurpose,
    Succession,
    SuccessionKind,
    Unit,
    UnitKind,
)

DISTRICT_CODE = "D01"
OFFICE_CODE = "M01"  # 区绩效考核办公室 (shares premises with the 区委督查室)
STATISTICS_CODE = "M32"  # 区统计局
START = datetime.date(2020, 1, 1)
FIRST_YEAR, CURRENT_YEAR = 2020, 2026

# The five fronts (五条战线) used for publication and ranking; every assessed unit sits on exactly one.
FRONTS = [
    ("F1", "经济发展战线"),
    ("F2", "社会事业战线"),
    ("F3", "城市管理战线"),
    ("F4", "党群战线"),
    ("F5", "政法战线"),
]


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    short_name: str
    is_assessor: bool
    front: str
    valid_from: datetime.date = START
    valid_to: datetime.date | None = None
    note: str = ""


A, N = True, False  # is_assessor, for the tables below

# 15 委办局, assessed on the 40 和谐社会 indicators; all of them are also assessor units.
BUREAUS = [
    Dept("B01", "区发展和改革委员会", "区发改委", A, "F1"),
    Dept("B02", "区人力资源和社会保障局", "区人力社保局", A, "F2"),
    Dept("B03", "区财政局", "", A, "F1"),
    Dept("B04", "区教育局", "", A, "F2"),
    Dept("B05", "区卫生健康委员会", "区卫生健康委", A, "F2"),
    Dept("B06", "区民政局", "", A, "F2"),
    Dept("B07", "区住房和建设委员会", "区住建委", A, "F3"),
    Dept("B08", "区生态环境局", "", A, "F3"),
    Dept("B09", "区农业农村委员会", "区农业农村委", A, "F1"),
    Dept("B10", "区商务局", "", A, "F1"),
    Dept("B11", "区科学技术局", "区科技局", A, "F1"),
    Dept("B12", "区城市管理委员会", "区城管委", A, "F3"),
    Dept("B13", "区交通运输委员会", "区交通运输委", A, "F3"),
    Dept("B14", "区市场监督管理局", "区市场监管局", A, "F3"),
    Dept("B15", "区应急管理局", "区应急局", A, "F3"),
]

MERGER_DAY = datetime.date(2023, 4, 1)  # 2023年机构改革: 区旅游局 (M58) merged into the new 区文化和旅游局 (M31)

# 57 other 区直部门 current today (M01–M57); M58 is the department retired in 2023. 16 of them are assessors.
DEPARTMENTS = [
    Dept("M01", "区绩效考核办公室", "区绩考办", A, "F4", note="与区委督查室合署办公"),
    Dept("M02", "区委办公室", "区委办", N, "F4"),
    Dept("M03", "区人大常委会办公室", "区人大办", N, "F4"),
    Dept("M04", "区政府办公室", "区政府办", N, "F4"),
    Dept("M05", "区政协办公室", "区政协办", N, "F4"),
    Dept("M06", "区纪委监委机关", "区纪委监委", A, "F4"),
    Dept("M07", "区委组织部", "", A, "F4"),
    Dept("M08", "区委宣传部", "", A, "F4"),
    Dept("M09", "区委统战部", "", N, "F4"),
    Dept("M10", "区委政法委员会", "区委政法委", A, "F5"),
    Dept("M11", "区委机构编制委员会办公室", "区委编办", N, "F4"),
    Dept("M12", "区委老干部局", "", N, "F4"),
    Dept("M13", "区直属机关工作委员会", "区直机关工委", N, "F4"),
    Dept("M14", "区委党校", "", N, "F4"),
    Dept("M15", "区总工会", "", N, "F4"),
    Dept("M16", "共青团示范区委员会", "团区委", N, "F4"),
    Dept("M17", "区妇女联合会", "区妇联", N, "F4"),
    Dept("M18", "区工商业联合会", "区工商联", N, "F4"),
    Dept("M19", "区科学技术协会", "区科协", N, "F4"),
    Dept("M20", "区残疾人联合会", "区残联", N, "F2"),
    Dept("M21", "区档案馆", "", N, "F4"),
    Dept("M22", "区融媒体中心", "", N, "F4"),
    Dept("M23", "区公安分局", "", A, "F5"),
    Dept("M24", "区人民法院", "区法院", N, "F5"),
    Dept("M25", "区人民检察院", "区检察院", N, "F5"),
    Dept("M26", "区司法局", "", A, "F5"),
    Dept("M27", "区信访办公室", "区信访办", A, "F5"),
    Dept("M28", "区退役军人事务局", "区退役军人局", N, "F2"),
    Dept("M29", "区医疗保障局", "区医保局", N, "F2"),
    Dept("M30", "区体育局", "", N, "F2"),
    Dept("M31", "区文化和旅游局", "区文旅局", N, "F2", valid_from=MERGER_DAY,
         note="2023年机构改革新组建，整合原区旅游局（M58）职责"),
    Dept("M32", "区统计局", "", A, "F1"),
    Dept("M33", "区审计局", "", A, "F1"),
    Dept("M34", "区税务局", "", A, "F1"),
    Dept("M35", "区工业和信息化局", "区工信局", A, "F1"),
    Dept("M36", "区国有资产监督管理委员会", "区国资委", N, "F1"),
    Dept("M37", "区金融工作局", "区金融局", N, "F1"),
    Dept("M38", "区投资促进局", "区投促局", A, "F1"),
    Dept("M39", "区政务服务办公室", "区政务服务办", A, "F1"),
    Dept("M40", "区规划和自然资源局", "区规划资源局", A, "F3"),
    Dept("M41", "区水务局", "", A, "F3"),
    Dept("M42", "区消防救援支队", "", N, "F3"),
    Dept("M43", "区人民防空办公室", "区人防办", N, "F3"),
    Dept("M44", "区气象局", "", N, "F3"),
    Dept("M45", "区园林绿化中心", "", N, "F3"),
    Dept("M46", "区房屋管理局", "区房管局", N, "F3"),
    Dept("M47", "区供销合作社", "区供销社", N, "F1"),
    Dept("M48", "区人民武装部", "区武装部", N, "F4"),
    Dept("M49", "区公共资源交易中心", "", N, "F1"),
    Dept("M50", "区疾病预防控制中心", "区疾控中心", N, "F2"),
    Dept("M51", "区红十字会", "", N, "F2"),
    Dept("M52", "区机关事务管理局", "区机关事务局", N, "F4"),
    Dept("M53", "区委网络安全和信息化委员会办公室", "区委网信办", N, "F4"),
    Dept("M54", "区委社会工作部", "区委社工部", N, "F2"),
    Dept("M55", "区数据局", "", N, "F1"),
    Dept("M56", "区住房公积金管理中心", "区公积金中心", N, "F2"),
    Dept("M57", "区粮食和物资储备局", "区粮储局", N, "F1"),
    Dept("M58", "区旅游局", "", N, "F2", valid_to=MERGER_DAY - datetime.timedelta(days=1),
         note="2023年机构改革撤销，职责并入区文化和旅游局（M31）"),
]

# 7 涉农街道 and 3 区级园区, assessed on the 16 经济核心 indicators; all on the economic front.
STREETS = [
    ("S01", "华明街道"), ("S02", "金桥街道"), ("S03", "军粮城街道"), ("S04", "无瑕街道"),
    ("S05", "新立街道"), ("S06", "丰年街道"), ("S07", "东湖街道"),
]
PARKS = [
    ("P01", "示范区经济技术开发区", "区经开区"),
    ("P02", "临空经济产业园区", "临空产业园"),
    ("P03", "现代农业示范园区", "农业示范园"),
]
VILLAGE_MERGE = ("S03", datetime.date(2022, 12, 31))  # the last village of 军粮城街道 merges into its first one
STREET_SCHEME_STREET = "S01"  # the street that runs its own (street-level) scheme for its villages

VILLAGE_FIRST = [
    "胡张", "赵家", "李家", "大郑", "小王", "杨台", "于明", "东丽", "西杨", "南何", "北程",
    "前进", "后营", "新兴", "范家", "高家", "么六", "刘台", "魏王", "郭家", "翟家",
]
VILLAGE_LAST = ["庄村", "台村", "营村", "沽村", "堡村", "店村", "屯村", "码头村", "新村", "窝村"]
COMMUNITY_NAMES = ["丽湖", "春华", "欣园", "雅苑", "金钟", "和顺", "景湖", "润园", "惠民", "福锦", "瑞景", "文秀"]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "建国志明海军华平伟强丽敏静芳秀英玉红霞燕俊杰涛斌磊勇鹏辉宏刚峰林波超亮文凯宁慧莉娟洁颖雪琳晶蕾春东立新永成德胜庆健"

# 30 区级领导 (district leaders): 区委书记 is the main leader, the rest the leadership team.
DISTRICT_LEADERS = (
    ["区委书记", "区委副书记、区长", "区人大常委会主任", "区政协主席", "区委副书记"]
    + ["区委常委、常务副区长", "区委常委、组织部部长", "区委常委、宣传部部长", "区委常委、政法委书记",
       "区委常委、纪委书记、监委主任", "区委常委、统战部部长", "区委常委、区委办公室主任"]
    + ["副区长"] * 6
    + ["区人大常委会副主任"] * 6
    + ["区政协副主席"] * 6
)
MAYOR_TITLE = "区委副书记、区长"


def build(rng) -> str:
    units = _build_units(rng)
    cycles = _build_cycles()
    groups = _build_groups(cycles, units)
    cadres = _build_cadres(rng, units)
    _build_succession(units)
    villages = sum(1 for u in units.values() if u.kind == UnitKind.VILLAGE)
    return (f"单位 {len(units)} 个（区直部门 {len(BUREAUS) + len(DEPARTMENTS) - 1} 个现存 + 1 个已撤销，"
            f"街道 {len(STREETS)}，园区 {len(PARKS)}，村/社区 {villages}），考核年度 {len(cycles)} 个，"
            f"组别 {groups} 个，干部 {cadres} 名，机构调整 1 条")


def _build_succession(units: dict[str, Unit]) -> None:
    """The 2023 reform as a succession record, so 区文旅局's 纵比 shows 区旅游局's years (marked, not compared)."""
    Succession.objects.create(predecessor=units["M58"], successor=units["M31"], on=MERGER_DAY,
                              kind=SuccessionKind.MERGE, note="2023年机构改革，原区旅游局职责并入新组建的区文化和旅游局")


# --- units ------------------------------------------------------------------------------------------

def _build_units(rng) -> dict[str, Unit]:
    """All units, keyed by code. Three bulk inserts: the district, its direct units, the villages."""
    district = Unit.objects.create(
        code=DISTRICT_CODE, name="示范区", short_name="示范区", kind=UnitKind.DISTRICT, valid_from=START,
        note="示范数据（合成）；设目标管理绩效考核委员会，区委书记任主任、区长任常务副主任",
    )
    direct = [_dept_unit(d, UnitKind.BUREAU, district, 100 + i) for i, d in enumerate(BUREAUS)]
    direct += [_dept_unit(d, UnitKind.DEPARTMENT, district, 200 + i) for i, d in enumerate(DEPARTMENTS)]
    direct += [Unit(code=c, name=n, kind=UnitKind.STREET, parent=district, sort_order=400 + i, valid_from=START)
               for i, (c, n) in enumerate(STREETS)]
    direct += [Unit(code=c, name=n, short_name=s, kind=UnitKind.PARK, parent=district, sort_order=500 + i,
                    valid_from=START) for i, (c, n, s) in enumerate(PARKS)]
    Unit.objects.bulk_create(direct)
    streets = [u for u in direct if u.kind == UnitKind.STREET]
    villages = Unit.objects.bulk_create(_villages(rng, streets))
    return {u.code: u for u in [district, *direct, *villages]}


def _dept_unit(dept: Dept, kind: str, district: Unit, order: int) -> Unit:
    return Unit(
        code=dept.code, name=dept.name, short_name=dept.short_name, kind=kind, parent=district,
        is_assessor=dept.is_assessor, sort_order=order, valid_from=dept.valid_from, valid_to=dept.valid_to,
        note=dept.note,
    )


def _villages(rng, streets: list[Unit]) -> list[Unit]:
    """5–10 villages/communities under each street; names drawn without repeats across the district."""
    village_names = [a + b for a in VILLAGE_FIRST for b in VILLAGE_LAST]
    rng.shuffle(village_names)
    communities = [c + "社区" for c in COMMUNITY_NAMES]
    rng.shuffle(communities)
    merge_street, merge_day = VILLAGE_MERGE
    rows = []
    for street in streets:
        merging = street.code == merge_street
        count = rng.randint(6, 10) if merging else rng.randint(5, 10)  # still 5+ after the merger
        n_communities = min(rng.randint(0, 2), len(communities))
        names = [communities.pop() for _ in range(n_communities)]
        names += [village_names.pop() for _ in range(count - n_communities)]
        for i, name in enumerate(names, start=1):
            rows.append(Unit(code=f"{street.code}V{i:02d}", name=name, kind=UnitKind.VILLAGE, parent=street,
                             sort_order=i, valid_from=START))
        if merging:
            last, first = rows[-1], rows[-count]
            last.valid_to = merge_day
            last.note = f"{merge_day.year}年村庄合并，并入{first.name}（{first.code}）"
    return rows


# --- cycles and groups ------------------------------------------------------------------------------

def _build_cycles() -> list[Cycle]:
    """2020–2025 published (fully scored), 2026 running. Archiving is left for the office to show."""
    cycles = [
        Cycle(year=y, name=f"{y}年度", starts_on=datetime.date(y, 1, 1), ends_on=datetime.date(y, 12, 31),
              status=CycleStatus.RUNNING if y == CURRENT_YEAR else CycleStatus.PUBLISHED)
        for y in range(FIRST_YEAR, CURRENT_YEAR + 1)
    ]
    return Cycle.objects.bulk_create(cycles)


def assessed_on(units: dict[str, Unit], day: datetime.date) -> list[Unit]:
    """The units the district assesses in the cycle ending on `day`: direct units valid on that day."""
    kinds = {UnitKind.BUREAU, UnitKind.DEPARTMENT, UnitKind.STREET, UnitKind.PARK}
    return [u for u in units.values() if u.kind in kinds and _valid(u, day)]


def _valid(unit: Unit, day: datetime.date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def front_of(unit: Unit) -> str:
    if unit.kind in (UnitKind.STREET, UnitKind.PARK):
        return "F1"
    return DEPT_FRONT[unit.code]


DEPT_FRONT = {d.code: d.front for d in BUREAUS + DEPARTMENTS}


def _build_groups(cycles: list[Cycle], units: dict[str, Unit]) -> int:
    """Per cycle: the five fronts, the two district peer groups and one street-level peer group."""
    plans = []  # (Group, [units])
    for cycle in cycles:
        day = cycle.ends_on
        assessed = assessed_on(units, day)
        for order, (code, name) in enumerate(FRONTS, start=1):
            members = [u for u in assessed if front_of(u) == code]
            plans.append((Group(cycle=cycle, code=code, name=name, purpose=GroupPurpose.FRONT, sort_order=order),
                          members))
        econ = [u for u in assessed if u.kind in (UnitKind.STREET, UnitKind.PARK)]
        plans.append((Group(cycle=cycle, code="G01", name="涉农街道和园区", purpose=GroupPurpose.PEER, sort_order=11),
                       econ))
        bureaus = [u for u in assessed if u.kind == UnitKind.BUREAU]
        plans.append((Group(cycle=cycle, code="G02", name="委办局", purpose=GroupPurpose.PEER, sort_order=12),
                       bureaus))
        street = units[STREET_SCHEME_STREET]
        villages = [u for u in units.values() if u.parent_id == street.pk and _valid(u, day)]
        plans.append((Group(cycle=cycle, code=f"{street.code}G01", name=f"{street.name}村（社区）",
                            purpose=GroupPurpose.PEER, sort_order=21), villages))
    groups = Group.objects.bulk_create([g for g, _ in plans])
    through = Group.units.through
    through.objects.bulk_create(
        [through(group_id=g.pk, unit_id=u.pk) for g, (_, members) in zip(groups, plans, strict=True) for u in members]
    )
    return len(groups)


# --- cadres -----------------------------------------------------------------------------------------

class NameMaker:
    """Synthetic, unique Chinese names: a common surname and one or two given-name characters."""

    def __init__(self, rng):
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


def _random_day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _tenures(rng, unit: Unit, change_chance: float) -> list[tuple[datetime.date, datetime.date | None]]:
    """One post's holders over time: the first since before 2020 (or since the unit began), maybe a successor."""
    began = _random_day(rng, datetime.date(2014, 1, 1), datetime.date(2019, 12, 31)) if unit.valid_from == START \
        else unit.valid_from
    if unit.valid_to is not None:
        return [(began, unit.valid_to)]
    if rng.random() >= change_chance:
        return [(began, None)]
    changed = _random_day(rng, max(began, datetime.date(2021, 1, 1)) + datetime.timedelta(days=30),
                          datetime.date(2025, 9, 30))
    return [(began, changed - datetime.timedelta(days=1)), (changed, None)]


def main_title(unit: Unit) -> str:
    """The main leader's post, from the kind and the name of the unit."""
    return _titles(unit)[0]


def member_titles(unit: Unit, count: int) -> list[str]:
    """The team members' posts (班子成员), `count` of them."""
    if unit.kind == UnitKind.STREET:
        return STREET_TEAM[:count]
    return [_titles(unit)[1]] * count


def _titles(unit: Unit) -> tuple[str, str]:
    if unit.kind == UnitKind.STREET:
        return "党工委书记", "党工委副书记"
    if unit.kind == UnitKind.PARK:
        return "管委会主任", "管委会副主任"
    if unit.kind == UnitKind.VILLAGE:
        return ("社区党委书记", "居委会主任") if unit.name.endswith("社区") else ("村党支部书记", "村委会主任")
    for ending, main, member in TITLE_BY_ENDING:
        if unit.name.endswith(ending):
            return main, member
    return "主任", "副主任"


# (name ending, main leader, team member); the first matching ending wins, so longer endings come first.
TITLE_BY_ENDING = [
    ("纪委监委机关", "书记", "副书记"), ("工作委员会", "书记", "副书记"), ("政法委员会", "书记", "副书记"),
    ("区委员会", "书记", "副书记"), ("委员会", "主任", "副主任"), ("办公室", "主任", "副主任"),
    ("部", "部长", "副部长"), ("局", "局长", "副局长"), ("法院", "院长", "副院长"),
    ("检察院", "检察长", "副检察长"), ("党校", "常务副校长", "副校长"), ("联合会", "主席", "副主席"),
    ("工会", "主席", "副主席"), ("协会", "主席", "副主席"), ("红十字会", "常务副会长", "副会长"),
    ("中心", "主任", "副主任"), ("馆", "馆长", "副馆长"), ("支队", "支队长", "副支队长"),
    ("合作社", "理事会主任", "理事会副主任"),
]

STREET_TEAM = ["办事处主任", "党工委副书记", "办事处副主任", "人大工委主任"]


def _build_cadres(rng, units: dict[str, Unit]) -> int:
    """A main leader and a team for every unit; some posts changed hands in 2021–2025."""
    names = NameMaker(rng)
    rows = []
    for unit in units.values():
        if unit.kind == UnitKind.DISTRICT:
            posts = [(CadrePost.MAIN_LEADER, DISTRICT_LEADERS[0])]
            posts += [(CadrePost.TEAM_MEMBER, t) for t in DISTRICT_LEADERS[1:]]
            chance = 0.1
        elif unit.kind == UnitKind.VILLAGE:
            posts = [(CadrePost.MAIN_LEADER, main_title(unit)), (CadrePost.TEAM_MEMBER, member_titles(unit, 1)[0])]
            chance = 0.1
        else:
            titles = member_titles(unit, rng.randint(2, 4))
            posts = [(CadrePost.MAIN_LEADER, main_title(unit))] + [(CadrePost.TEAM_MEMBER, t) for t in titles]
            chance = 0.3
        for post, title in posts:
            for began, ended in _tenures(rng, unit, chance if post == CadrePost.MAIN_LEADER else chance / 2):
                rows.append(Cadre(unit=unit, name=names(), post=post, title=title, tenure_from=began,
                                  tenure_to=ended))
    Cadre.objects.bulk_create(rows)
    return len(rows)
