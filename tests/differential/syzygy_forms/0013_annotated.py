from django.db import migrations, models
from syzygy import Stage


class Migration(migrations.Migration):
    stage: Stage = Stage.POST_DEPLOY
    dependencies = []

    operations = [
    ]
