from django.db import migrations, models
import datetime

import django_safemigrate as dsm


class Migration(migrations.Migration):
    safe = dsm.Safe.after_deploy(delay=datetime.timedelta(hours=12, minutes=5))
    dependencies = []

    operations = [
        migrations.RunPython(migrations.RunPython.noop),
    ]
