from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.RemoveField("order", "a"),
        migrations.RunPython(migrations.RunPython.noop),
    ]
