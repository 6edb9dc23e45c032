"""Seal every stored TOTP secret with SM4-GCM and drop the plain-text column."""

from django.db import migrations, models


def seal_secrets(apps, schema_editor):
    from jixiao.accounts import sealing

    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(totp_secret="").only("pk", "totp_secret"):
        User.objects.filter(pk=user.pk).update(totp_sealed=sealing.seal(user.totp_secret))


def unseal_secrets(apps, schema_editor):
    from jixiao.accounts import sealing

    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(totp_sealed="").only("pk", "totp_sealed"):
        User.objects.filter(pk=user.pk).update(totp_secret=sealing.unseal(user.totp_sealed))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_totp_last_step")]

    operations = [
        migrations.AddField(
            model_name="user", name="totp_sealed",
            field=models.CharField(blank=True, max_length=200, verbose_name="动态口令密钥（加密）"),
        ),
        migrations.RunPython(seal_secrets, unseal_secrets),
        migrations.RemoveField(model_name="user", name="totp_secret"),
    ]
