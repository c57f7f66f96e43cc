from django.db import migrations, models
from syzygy import Stage as S


class Migration(migrations.Migration):
    stage = S.POST_DEPLOY
    dependencies = []

    operations = [
        migrations.AddField("order", "a", models.IntegerField(null=True)),
    ]
