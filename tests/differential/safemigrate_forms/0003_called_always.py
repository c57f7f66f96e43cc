from django.db import migrations, models
from django_safemigrate import Safe


class Migration(migrations.Migration):
    safe = Safe.always()
    dependencies = []

    operations = [
        migrations.RunPython(migrations.RunPython.noop),
    ]
