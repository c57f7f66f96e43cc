from django.db import migrations, models
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.after_deploy
    dependencies = []

    operations = [
        migrations.RunPython(migrations.RunPython.noop),
    ]
