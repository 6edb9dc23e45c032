"""The inputs of the nearest-neighbour computation for one cycle, fetched in two queries, and the proposal."""

from django.db.models import Q

from jixiao.analysis.neighbours import DEFAULT_K, Attribute, Proposal, UnitValues, nearest
from jixiao.org.models import Cycle, UnitAttributeValue


def inputs(cycle: Cycle) -> tuple[list[Attribute], list[UnitValues]]:
    """The cycle's attributes and, for every unit in place at the cycle's end with a value, its values."""
    attributes = [Attribute(a.code, a.name, a.weight, a.log_scale) for a in cycle.unit_attributes.all()]
    rows = (UnitAttributeValue.objects.filter(attribute__cycle=cycle)
            .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=cycle.ends_on))
            .values_list("unit__code", "unit__name", "unit__short_name", "attribute__code", "value"))
    names, values = {}, {}
    for code, name, short_name, attribute, value in rows:
        names[code] = short_name or name
        values.setdefault(code, {})[attribute] = value
    return attributes, [UnitValues(code, names[code], values[code]) for code in names]


def propose(cycle: Cycle, k: int = DEFAULT_K) -> Proposal:
    attributes, units = inputs(cycle)
    return nearest(attributes, units, k)
