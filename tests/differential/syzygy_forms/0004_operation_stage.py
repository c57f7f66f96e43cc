from django.db import migrations, models
import syzygy.constants
import syzygy.operations


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        syzygy.operations.AlterField("order", "a", models.IntegerField(null=True), stage=syzygy.constants.Stage["POST_DEPLOY"]),
    ]
