"""Pages of the analysis app: compare."""

urlpatterns = []
