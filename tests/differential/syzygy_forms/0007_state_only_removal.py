from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("order", "a")]),
    ]
