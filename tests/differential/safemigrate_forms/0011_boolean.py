from django.db import migrations, models


class Migration(migrations.Migration):
    safe = True
    dependencies = []

    operations = [
        migrations.RunPython(migrations.RunPython.noop),
    ]
