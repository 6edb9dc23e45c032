"""Pages of the analysis app: pace."""

urlpatterns = []
