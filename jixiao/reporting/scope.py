"""The former name of `jixiao.reporting.due`, kept only while jixiao/ui and jixiao/demo still import it."""

from jixiao.reporting.due import (  # noqa: F401
    assessor_id_of,
    is_overdue,
    items_for_assessor,
    items_for_unit,
    items_of_groups,
    scope_by_group,
    scope_by_unit,
)
