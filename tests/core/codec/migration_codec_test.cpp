#include "core/codec/migration_codec.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace migline {
namespace {

DjangoMigration sample() {
  const SwappableSettings settings{{"AUTH_USER_MODEL", "accounts.User"}};
  auto m = read_django_migration("shop/orders/migrations/0003_total.py",
                                 R"(from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [('orders', '0002_a'), ('orders', '0002_b')]
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("orders", "0002_status"),
        ('billing', '0001_' 'initial'),
    ]
    run_before = [("stock", "0004_reserve")]
    operations = [
        migrations.AddField(model_name="order", name="total", field=models.IntegerField()),
        migrations.RunPython(forwards),
    ]
)",
                                 settings);
  REQUIRE(m);
  return *m;
}

}  // namespace

TEST_CASE("a migration survives encoding") {
  const DjangoMigration m = sample();
  const std::string bytes = encode_migration(m);
  auto back = decode_migration(bytes);
  REQUIRE(back);
  CHECK(encode_migration(*back) == bytes);
  CHECK(back->path.empty());
  CHECK(back->class_span.line == m.class_span.line);
  REQUIRE(back->dependencies.size() == 3);
  CHECK(back->dependencies[0].app == "accounts");
  CHECK(back->dependencies[0].setting == "AUTH_USER_MODEL");
  CHECK(back->dependencies[1].name_span.offset == m.dependencies[1].name_span.offset);
  CHECK_FALSE(back->dependencies[2].plain);
  CHECK(back->replaces.size() == 2);
  CHECK(back->run_before.at(0).name == "0004_reserve");
  REQUIRE(back->operations.size() == 2);
  CHECK(back->operations[0].type == "AddField");
  CHECK(back->operations[0].model == "order");
}

TEST_CASE("decoding refuses every truncation and any trailing byte") {
  const std::string bytes = encode_migration(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("length " << n);
    CHECK_FALSE(decode_migration(bytes.substr(0, n)));
  }
  CHECK_FALSE(decode_migration(bytes + '\0'));
}

TEST_CASE("decoding damaged bytes gives the original or nothing, never a crash") {
  const std::string bytes = encode_migration(sample());
  std::size_t decoded = 0;
  std::size_t refused = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int value : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(value);
      // A damaged record may still decode (a changed letter is still a name): the checksum
      // is what catches it, which the next case covers. What decodes is what the bytes say:
      // encoding it again gives the same bytes, or fewer where a varint was written with
      // redundant zero bytes; the original when nothing changed.
      auto back = decode_migration(damaged);
      if (!back) {
        ++refused;
        continue;
      }
      ++decoded;
      INFO("byte " << i << " set to " << value);
      const std::string again = encode_migration(*back);
      CHECK(again.size() <= damaged.size());
      if (again.size() == damaged.size()) CHECK(again == damaged);
      if (damaged == bytes) CHECK(again == bytes);
      auto twice = decode_migration(again);
      REQUIRE(twice);
      CHECK(encode_migration(*twice) == again);
    }
  }
  // Both outcomes occur: the loop neither refuses everything nor accepts everything.
  CHECK(decoded > 0);
  CHECK(refused > 0);
}

TEST_CASE("the checksum changes with any one flipped bit") {
  const std::string bytes = encode_migration(sample());
  const std::uint64_t sum = checksum64(bytes);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      INFO("byte " << i << " bit " << bit);
      CHECK(checksum64(damaged) != sum);
    }
  }
  CHECK(checksum64(bytes.substr(0, bytes.size() - 1)) != sum);
  CHECK(checksum64("") != checksum64(std::string(1, '\0')));
}

}  // namespace migline
