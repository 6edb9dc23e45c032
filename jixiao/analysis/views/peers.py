"""Pages of the analysis app: peers."""

urlpatterns = []
