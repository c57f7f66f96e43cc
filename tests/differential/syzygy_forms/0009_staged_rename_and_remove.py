from django.db import migrations, models
from syzygy import Stage
from syzygy.operations import RenameField


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        RenameField("order", "a", "b", stage=Stage.POST_DEPLOY),
        migrations.RemoveField("order", "c"),
    ]
