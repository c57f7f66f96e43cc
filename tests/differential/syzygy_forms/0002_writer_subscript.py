from django.db import migrations, models
import syzygy.constants


class Migration(migrations.Migration):
    stage = syzygy.constants.Stage["POST_DEPLOY"]
    dependencies = []

    operations = [
        migrations.AddField("order", "a", models.IntegerField(null=True)),
    ]
