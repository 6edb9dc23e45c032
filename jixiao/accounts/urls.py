from django.urls import path

from jixiao.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/switch/", views.switch_unit, name="switch_unit"),
    path("account/password/", views.password_change, name="password_change"),
]
