from django.db import migrations, models
from datetime import timedelta

from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.after_deploy(delay=(timedelta(days=8)))
    dependencies = []

    operations = [
        migrations.RunPython(migrations.RunPython.noop),
    ]
