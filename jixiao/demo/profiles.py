"""Demo department profiles (部门绩效公开, 示范数据): the public duties of the streets, the parks and the bureaus.

The duties are the ordinary 三定 wording of each kind of unit, by name; a unit whose name is not here keeps
部门职责暂未公开 on its page, as a real district's would while the office collects the texts. Written by the
demo office user; bulk-created like the other steps (no audit events).
"""

from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.org.models import Unit, UnitKind
from jixiao.portal.models import UnitProfile

DUTIES = {
    "区发展和改革委员会": ["拟订并组织实施全区国民经济和社会发展规划、年度计划。",
                           "统筹协调经济社会发展，监测分析宏观经济运行，提出政策建议。",
                           "负责政府投资项目审批和重大项目的统筹推进。"],
    "区人力资源和社会保障局": ["拟订全区人力资源和社会保障政策并组织实施。",
                               "负责促进就业创业、职业技能培训和劳动关系协调。",
                               "统筹城乡社会保险，负责劳动保障监察和劳动人事争议调解仲裁。"],
    "区财政局": ["编制全区年度预决算草案并组织执行，管理财政收支。",
                 "负责政府债务管理、国有资产收益管理和财政监督。"],
    "区教育局": ["贯彻执行教育方针政策，统筹规划全区各级各类教育事业发展。",
                 "负责中小学和幼儿园的办学管理、教育督导和教师队伍建设。"],
    "区卫生健康委员会": ["拟订全区卫生健康政策并组织实施，统筹医疗卫生资源配置。",
                         "负责疾病预防控制、医疗服务监管、妇幼健康和老龄健康工作。"],
    "区民政局": ["负责社会救助、养老服务、儿童福利和殡葬管理。",
                 "负责社会组织登记管理、城乡社区治理和区划地名管理。"],
    "区住房和建设委员会": ["负责建筑市场和工程质量安全监督管理。",
                           "推进保障性住房建设和老旧小区改造，指导城镇建设。"],
    "区生态环境局": ["负责全区生态环境监督管理，组织大气、水、土壤污染防治。",
                     "负责生态环境监测、环境影响评价和生态环境执法。"],
    "区农业农村委员会": ["统筹推进乡村振兴，负责农业产业发展和农村改革。",
                         "负责农产品质量安全监管、农田建设和农村人居环境整治。"],
    "区商务局": ["拟订全区商贸流通、对外贸易和利用外资的政策措施并组织实施。",
                 "负责促进消费、商贸领域安全管理和营商环境优化相关工作。"],
    "区科学技术局": ["拟订全区科技创新政策，组织实施科技计划项目。",
                     "负责科技型企业培育、科技成果转化和创新平台建设。"],
    "区城市管理委员会": ["负责市容环境卫生、城市照明和生活垃圾分类管理。",
                         "负责城市管理综合执法的组织协调和监督考核。"],
    "区交通运输委员会": ["负责全区公路、公共交通和道路运输管理。",
                         "负责交通基础设施建设养护和交通运输安全监管。"],
    "区市场监督管理局": ["负责全区市场综合监督管理，规范和维护市场秩序。",
                         "负责食品、药品、特种设备安全和产品质量监督管理。",
                         "负责市场主体登记注册、知识产权保护和消费者权益保护。"],
    "区应急管理局": ["负责全区应急管理和安全生产综合监督管理。",
                     "组织编制应急预案，指导防灾减灾救灾和应急救援工作。"],
    "区信访办公室": ["负责受理、交办、转送群众来信来访和网上信访事项。",
                     "协调处理重要信访问题，督查督办信访事项办理情况。"],
    "区退役军人事务局": ["负责退役军人移交安置、就业创业和优抚褒扬工作。",
                         "负责退役军人服务中心（站）建设和权益维护。"],
    "区政务服务办公室": ["负责全区政务服务中心运行管理，推进“一网通办”和“一件事一次办”。",
                         "负责“12345”政务服务便民热线受理、转办和督办。"],
}
STREET = ["负责辖区党的建设、社会治理和公共服务。",
          "组织实施辖区社区建设、民生保障、安全生产和环境整治。",
          "协助区直部门做好辖区内的行政执法、应急管理和为民服务工作。"]
PARK = ["负责园区规划建设、招商引资和产业发展。",
        "为入驻企业提供政务服务和营商环境保障，推进园区安全生产和生态环境保护。"]


def build(rng) -> str:
    office = User.objects.get(username="office")
    now = timezone.now()
    rows = []
    for unit in Unit.objects.filter(valid_to__isnull=True, kind__in=[UnitKind.DEPARTMENT, UnitKind.BUREAU,
                                                                       UnitKind.STREET, UnitKind.PARK]):
        lines = DUTIES.get(unit.name) or {UnitKind.STREET: STREET, UnitKind.PARK: PARK}.get(unit.kind)
        if lines:
            rows.append(UnitProfile(unit=unit, duties="\n\n".join(lines), updated_by=office, updated_at=now))
    UnitProfile.objects.bulk_create(rows)
    return f"部门职责公开 {len(rows)} 个单位"
