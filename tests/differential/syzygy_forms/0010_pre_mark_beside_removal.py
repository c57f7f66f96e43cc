from django.db import migrations, models
from syzygy import Stage
from syzygy import operations


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        operations.AlterField("order", "a", models.IntegerField(null=True), stage=Stage.PRE_DEPLOY),
        migrations.RemoveField("order", "a"),
    ]
