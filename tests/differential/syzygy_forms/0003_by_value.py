from django.db import migrations, models
from syzygy import Stage


class Migration(migrations.Migration):
    stage = Stage("post_deployment")
    dependencies = []

    operations = [
        migrations.AddField("order", "a", models.IntegerField(null=True)),
    ]
