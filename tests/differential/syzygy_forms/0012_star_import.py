from django.db import migrations, models
from syzygy.constants import *


class Migration(migrations.Migration):
    stage = Stage.POST_DEPLOY
    dependencies = []

    operations = [
    ]
