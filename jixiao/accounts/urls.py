from django.urls import path

from jixiao.accounts import user_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.totp_view, name="totp"),
    path("logout/", views.logout_view, name="logout"),
    path("account/switch/", views.switch_unit, name="switch_unit"),
    path("account/password/", views.password_change, name="password_change"),
    path("security/users/", user_views.user_list, name="user_list"),
    path("security/users/new/", user_views.user_create, name="user_create"),
    path("security/users/<int:pk>/", user_views.user_detail, name="user_detail"),
    path("security/users/<int:pk>/grant/", user_views.user_grant, name="user_grant"),
    path("security/users/<int:pk>/memberships/<int:membership_pk>/revoke/", user_views.user_revoke,
         name="user_revoke"),
    path("security/users/<int:pk>/password/", user_views.user_reset_password, name="user_reset_password"),
    path("security/users/<int:pk>/unlock/", user_views.user_unlock, name="user_unlock"),
    path("security/users/<int:pk>/active/", user_views.user_set_active, name="user_set_active"),
    path("security/users/<int:pk>/totp/reset/", user_views.user_reset_totp, name="user_reset_totp"),
]
