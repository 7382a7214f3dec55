"""Give the national days off already recorded their English names.

Only closures the holiday sync would have recorded (every office, the whole day, a
holiday or cuti bersama) whose reason is still the official Indonesian name of that
day: a name an admin typed stays as typed, without an English one.
"""

from django.db import migrations

NATIONAL_KINDS = ("holiday", "cuti_bersama")


def fill_english_names(apps, schema_editor):
    Closure = apps.get_model("offices", "Closure")
    closures = list(
        Closure.objects.filter(office__isnull=True, start__isnull=True, kind__in=NATIONAL_KINDS, reason_en="")
    )
    if not closures:
        return
    # The sync's own list, so a migrated day reads as the sync records it (and its next
    # run finds it unchanged). Imported here: a fresh database has no such rows.
    from offices.services.holidays import national_days_off

    days = national_days_off(years=sorted({closure.date.year for closure in closures}))
    english = {(day.date, day.kind, day.name[:200]): day.name_en[:200] for day in days}
    for closure in closures:
        name_en = english.get((closure.date, closure.kind, closure.reason))
        if name_en:
            Closure.objects.filter(pk=closure.pk).update(reason_en=name_en)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0010_closure_reason_en"),
    ]

    operations = [
        migrations.RunPython(fill_english_names, migrations.RunPython.noop, elidable=True),
    ]
