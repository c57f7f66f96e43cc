from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "shop.users"
    # Other apps refer to this one as "accounts" (it was renamed long ago).
    label = "accounts"
    verbose_name = "Users"
