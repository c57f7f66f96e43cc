from django.db import migrations, models
from django_safemigrate import Safe as S


class Migration(migrations.Migration):
    safe = S.after_deploy()
    dependencies = []

    operations = [
        migrations.RunPython(migrations.RunPython.noop),
    ]
