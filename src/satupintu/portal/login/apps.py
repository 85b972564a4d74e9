from django.apps import AppConfig


class LoginConfig(AppConfig):
    name = "satupintu.portal.login"
    label = "portal_login"
    verbose_name = "Sign-in"
