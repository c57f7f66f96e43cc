from django.db import migrations, models
from syzygy import Stage


class Migration(migrations.Migration):
    stage = Stage.PRE_DEPLOY
    dependencies = []

    operations = [
        migrations.RemoveField("order", "a"),
    ]
