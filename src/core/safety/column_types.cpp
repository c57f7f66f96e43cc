#include "core/safety/column_types.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>

namespace migline {
namespace {

// How a field class makes its column.
enum class Shape {
  Column,    // a type of its own (templates below)
  Relation,  // ForeignKey-like: the type of the target's primary key
  Array,     // django.contrib.postgres ArrayField: base_field's type + "[]"
  Stream,    // wagtail's StreamField: JSONField with use_json_field=True, TextField with False
  None,      // no column on the model's table
};

// One field class: the column type it makes on each database, as a Django-style template
// (`%(max_length)s`, `%(max_digits)s`, `%(decimal_places)s`); "" where the field does not exist.
struct FieldType {
  std::string_view cls;
  std::string_view module;  // a part of the dotted path that must be there; "" for Django's own
  Shape shape;
  std::string_view postgresql;
  std::string_view mysql;
  std::string_view sqlite;
  std::string_view max_length = "";  // the default max_length, "" when None
  std::string_view relation = "";    // the type a foreign key to it gets, "" when the same
  bool non_negative = false;         // data_type_check_constraints: "%(column)s" >= 0
};

// Django's own fields. Source: `DatabaseWrapper.data_types` and `data_type_check_constraints`
// of django/db/backends/{postgresql,mysql,sqlite3}/base.py (Django 5.0); the default
// max_length of each field's __init__ in django/db/models/fields/__init__.py; rel_db_type of
// the AutoFields and PositiveIntegerRelDbTypeMixin for foreign keys to them.
// django.contrib.postgres: django/contrib/postgres/fields/{array,citext,hstore,ranges}.py.
// Third-party fields, each from its own source (the class's db_type / get_internal_type):
// django-extensions (django_extensions/db/fields/__init__.py: AutoSlugField(SlugField),
// CreationDateTimeField(DateTimeField), RandomCharField(CharField)), django-autoslug
// (autoslug/fields.py: AutoSlugField(SlugField)), djorm-ext-pgarray
// (djorm_pgarray/fields.py: ArrayField(dbtype=...), TextArrayField, IntegerArrayField),
// wagtail (wagtail/fields.py: StreamField is a JSONField when use_json_field=True and from
// wagtail 6 on, a TextField before; RichTextField(TextField)), taggit
// (taggit/managers.py: TaggableManager, a RelatedField with no column), django-sortedm2m
// (sortedm2m/fields.py: SortedManyToManyField(ManyToManyField)), django-modelcluster
// (modelcluster/fields.py: ParentalKey(ForeignKey), ParentalManyToManyField).
const std::vector<FieldType>& field_types() {
  static const std::vector<FieldType> kTypes = {
      {"AutoField", "", Shape::Column, "integer", "integer AUTO_INCREMENT", "integer", "",
       "integer"},
      {"BigAutoField", "", Shape::Column, "bigint", "bigint AUTO_INCREMENT", "integer", "",
       "bigint"},
      {"SmallAutoField", "", Shape::Column, "smallint", "smallint AUTO_INCREMENT", "integer", "",
       "smallint"},
      {"BinaryField", "", Shape::Column, "bytea", "longblob", "BLOB"},
      {"BooleanField", "", Shape::Column, "boolean", "bool", "bool"},
      {"NullBooleanField", "", Shape::Column, "boolean", "bool", "bool"},
      {"CharField", "", Shape::Column, "varchar(%(max_length)s)", "varchar(%(max_length)s)",
       "varchar(%(max_length)s)"},
      {"EmailField", "", Shape::Column, "varchar(%(max_length)s)", "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "254"},
      {"URLField", "", Shape::Column, "varchar(%(max_length)s)", "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "200"},
      {"SlugField", "", Shape::Column, "varchar(%(max_length)s)", "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "50"},
      {"CommaSeparatedIntegerField", "", Shape::Column, "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "varchar(%(max_length)s)"},
      {"DateField", "", Shape::Column, "date", "date", "date"},
      {"DateTimeField", "", Shape::Column, "timestamp with time zone", "datetime(6)", "datetime"},
      {"DecimalField", "", Shape::Column, "numeric(%(max_digits)s, %(decimal_places)s)",
       "numeric(%(max_digits)s, %(decimal_places)s)", "decimal"},
      {"DurationField", "", Shape::Column, "interval", "bigint", "bigint"},
      {"FileField", "", Shape::Column, "varchar(%(max_length)s)", "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "100"},
      {"ImageField", "", Shape::Column, "varchar(%(max_length)s)", "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "100"},
      {"FilePathField", "", Shape::Column, "varchar(%(max_length)s)", "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "100"},
      {"FloatField", "", Shape::Column, "double precision", "double precision", "real"},
      {"IntegerField", "", Shape::Column, "integer", "integer", "integer"},
      {"BigIntegerField", "", Shape::Column, "bigint", "bigint", "bigint"},
      {"SmallIntegerField", "", Shape::Column, "smallint", "smallint", "smallint"},
      {"PositiveIntegerField", "", Shape::Column, "integer", "integer UNSIGNED", "integer unsigned",
       "", "integer", true},
      {"PositiveBigIntegerField", "", Shape::Column, "bigint", "bigint UNSIGNED", "bigint unsigned",
       "", "bigint", true},
      {"PositiveSmallIntegerField", "", Shape::Column, "smallint", "smallint UNSIGNED",
       "smallint unsigned", "", "smallint", true},
      {"IPAddressField", "", Shape::Column, "inet", "char(15)", "char(15)"},
      {"GenericIPAddressField", "", Shape::Column, "inet", "char(39)", "char(39)"},
      {"JSONField", "", Shape::Column, "jsonb", "json", "text"},
      {"TextField", "", Shape::Column, "text", "longtext", "text"},
      {"TimeField", "", Shape::Column, "time", "time(6)", "time"},
      {"UUIDField", "", Shape::Column, "uuid", "char(32)", "char(32)"},
      {"ForeignKey", "", Shape::Relation, "", "", ""},
      {"OneToOneField", "", Shape::Relation, "", "", ""},
      {"ManyToManyField", "", Shape::None, "", "", ""},
      {"GenericRelation", "", Shape::None, "", "", ""},
      {"GenericForeignKey", "", Shape::None, "", "", ""},
      {"ArrayField", "postgres", Shape::Array, "", "", ""},
      {"HStoreField", "postgres", Shape::Column, "hstore", "", ""},
      {"CICharField", "postgres", Shape::Column, "citext", "", ""},
      {"CIEmailField", "postgres", Shape::Column, "citext", "", ""},
      {"CITextField", "postgres", Shape::Column, "citext", "", ""},
      {"IntegerRangeField", "postgres", Shape::Column, "int4range", "", ""},
      {"BigIntegerRangeField", "postgres", Shape::Column, "int8range", "", ""},
      {"DecimalRangeField", "postgres", Shape::Column, "numrange", "", ""},
      {"DateTimeRangeField", "postgres", Shape::Column, "tstzrange", "", ""},
      {"DateRangeField", "postgres", Shape::Column, "daterange", "", ""},
      {"SearchVectorField", "postgres", Shape::Column, "tsvector", "", ""},
      {"JSONField", "postgres", Shape::Column, "jsonb", "", ""},
      {"AutoSlugField", "django_extensions", Shape::Column, "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "varchar(%(max_length)s)", "50"},
      {"AutoSlugField", "autoslug", Shape::Column, "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "varchar(%(max_length)s)", "50"},
      {"CreationDateTimeField", "django_extensions", Shape::Column, "timestamp with time zone",
       "datetime(6)", "datetime"},
      {"ModificationDateTimeField", "django_extensions", Shape::Column, "timestamp with time zone",
       "datetime(6)", "datetime"},
      {"RandomCharField", "django_extensions", Shape::Column, "varchar(%(max_length)s)",
       "varchar(%(max_length)s)", "varchar(%(max_length)s)"},
      {"TextArrayField", "djorm_pgarray", Shape::Column, "text[]", "", ""},
      {"IntegerArrayField", "djorm_pgarray", Shape::Column, "integer[]", "", ""},
      {"StreamField", "wagtail.core", Shape::Column, "text", "longtext", "text"},
      {"StreamField", "wagtailcore", Shape::Column, "text", "longtext", "text"},
      {"StreamField", "wagtail", Shape::Stream, "jsonb", "json", "text"},
      {"RichTextField", "wagtail", Shape::Column, "text", "longtext", "text"},
      {"TaggableManager", "taggit", Shape::None, "", "", ""},
      {"ClusterTaggableManager", "modelcluster", Shape::None, "", "", ""},
      {"SortedManyToManyField", "sortedm2m", Shape::None, "", "", ""},
      {"ParentalManyToManyField", "modelcluster", Shape::None, "", "", ""},
      {"ParentalKey", "modelcluster", Shape::Relation, "", "", ""},
  };
  return kTypes;
}

// Qualifiers under which a bare Django class name means Django's own field.
bool django_module(std::string_view module) {
  return module.empty() || module == "models" || module.rfind("django.db.models", 0) == 0 ||
         module.rfind("django.contrib.postgres", 0) == 0 ||
         module.rfind("django.contrib.contenttypes", 0) == 0;
}

const FieldType* find_type(const FieldDefinition& field) {
  const FieldType* django = nullptr;
  for (const FieldType& t : field_types()) {
    if (t.cls != field.cls) continue;
    if (t.module.empty()) {
      if (django == nullptr && django_module(field.module)) django = &t;
    } else if (field.module.find(t.module) != std::string::npos) {
      return &t;
    } else if (t.module == "postgres" && field.module.empty()) {
      return &t;  // `from django.contrib.postgres.fields import ArrayField`
    }
  }
  return django;
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value of a literal StaticValue's text: strips quotes from a string; numbers as written.
std::string literal_text(const StaticValue& v) {
  std::string t = v.text;
  if (t.size() >= 2 && (t.front() == '\'' || t.front() == '"') && t.back() == t.front()) {
    return t.substr(1, t.size() - 2);
  }
  return t;
}

// Fills a template; empty when a parameter is unknown (`why` says which).
std::string fill(std::string_view pattern, const FieldDefinition& field, const FieldType& type,
                 SafetyDatabase database, std::string& why) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern.compare(i, 2, "%(") != 0) {
      out += pattern[i++];
      continue;
    }
    const std::size_t close = pattern.find(")s", i);
    const std::string name(pattern.substr(i + 2, close - i - 2));
    i = close + 2;
    const std::string fallback =
        name == "max_length" ? std::string(type.max_length.empty() ? "None" : type.max_length)
                             : std::string();
    const StaticValue v = field.get(name, fallback);
    if (!v.known || v.text.empty()) {
      why = fmt::format("`{}` is not a literal", name);
      return {};
    }
    if (v.text == "None") {
      // CharField(max_length=None): unlimited varchar on PostgreSQL (Django 4.2+).
      if (name == "max_length" && database == SafetyDatabase::PostgreSQL &&
          pattern == "varchar(%(max_length)s)") {
        return "varchar";
      }
      why = fmt::format("`{}` is None", name);
      return {};
    }
    out += literal_text(v);
  }
  return out;
}

// Django-side arguments of fields migline does not know: changing them changes no column.
bool django_side(std::string_view name) {
  static const std::vector<std::string_view> kNames = {"choices",
                                                       "help_text",
                                                       "blank",
                                                       "validators",
                                                       "verbose_name",
                                                       "default",
                                                       "editable",
                                                       "error_messages",
                                                       "related_name",
                                                       "related_query_name",
                                                       "limit_choices_to",
                                                       "on_delete",
                                                       "upload_to",
                                                       "storage",
                                                       "auto_now",
                                                       "auto_now_add",
                                                       "db_comment",
                                                       "db_default",
                                                       "serialize",
                                                       "unique_for_date",
                                                       "unique_for_month",
                                                       "unique_for_year",
                                                       "auto_created",
                                                       "allow_unicode",
                                                       "populate_from",
                                                       "block_lookup",
                                                       "encoder",
                                                       "decoder",
                                                       "symmetrical",
                                                       "through",
                                                       "through_fields",
                                                       "swappable",
                                                       "parent_link",
                                                       "to_field_name",
                                                       "db_index",
                                                       "null",
                                                       "unique",
                                                       "primary_key",
                                                       "db_column",
                                                       "db_constraint",
                                                       "db_tablespace",
                                                       "overwrite",
                                                       "slugify_function",
                                                       "separator",
                                                       "always_update",
                                                       "unique_with",
                                                       "features",
                                                       "editor",
                                                       "manager",
                                                       "width_field",
                                                       "height_field",
                                                       "match",
                                                       "path",
                                                       "recursive",
                                                       "allow_files",
                                                       "allow_folders"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

// For a field migline cannot type: the class and every argument that may decide the type.
std::string signature_of(const FieldDefinition& field) {
  std::string out = field.module.empty() ? field.cls : field.module + "." + field.cls;
  out += "(";
  for (const auto& [name, value] : field.kwargs) {
    if (django_side(name)) continue;
    out += name + "=" + (value.text.empty() ? std::string("?") : value.text) + ",";
  }
  for (const FieldDefinition& inner : field.base_field) out += "base=" + signature_of(inner);
  if (field.starred) out += "*?";
  return out + ")";
}

// `field` as the Django field class `cls` (a subclass that makes the same column).
FieldDefinition as_class(const FieldDefinition& field, std::string_view cls) {
  FieldDefinition out = field;
  out.cls = std::string(cls);
  out.module = "models";
  return out;
}

}  // namespace

std::string resolve_model_reference(const StaticValue& to, const std::string& app,
                                    const SwappableSettings& settings) {
  std::string name;
  if (to.known) {
    name = literal_text(to);
  } else if (to.text.rfind("settings.", 0) == 0) {
    auto it = settings.find(std::string_view(to.text).substr(9));
    if (it != settings.end()) {
      name = it->second;
    } else if (to.text == "settings.AUTH_USER_MODEL") {
      name = "auth.User";  // Django's default, as the loader assumes
    } else {
      return {};
    }
  } else {
    return {};
  }
  if (name.empty()) return {};
  if (name == "self") return {};  // the model itself: the caller knows which
  if (name.find('.') == std::string::npos) name = app + "." + name;
  return lowercase(name);
}

std::string referencing_type(std::string_view key, SafetyDatabase database) {
  for (const FieldType& t : field_types()) {
    if (!t.module.empty() || t.relation.empty()) continue;
    const std::string_view own = database == SafetyDatabase::PostgreSQL ? t.postgresql
                                 : database == SafetyDatabase::MySQL    ? t.mysql
                                                                        : t.sqlite;
    if (own == key) return std::string(t.relation);
  }
  return std::string(key);
}

Column column_of(const FieldDefinition& field, const ColumnContext& context) {
  Column c;
  c.signature = signature_of(field);
  if (!field.known) {
    c.unknown = "it is not a call of a field class";
    return c;
  }
  const FieldType* type = find_type(field);
  // A class whose name says it has no column: a ManyToManyField (OrderedManyToManyField, ...)
  // or a manager (taggit's TaggableManager and its subclasses are related managers).
  auto ends_with = [&](std::string_view suffix) {
    return field.cls.size() >= suffix.size() &&
           field.cls.compare(field.cls.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if ((type != nullptr && type->shape == Shape::None) || ends_with("ManyToManyField") ||
      ends_with("Manager")) {
    c.exists = false;
    return c;
  }
  if (type == nullptr) {
    c.unknown = fmt::format("migline does not know the column type of `{}`",
                            field.module.empty() ? field.cls : field.module + "." + field.cls);
    return c;
  }
  const SafetyDatabase db = context.database;
  if (type->shape == Shape::Relation) {
    const StaticValue to = field.get("to", "");
    c.references = resolve_model_reference(to, context.app, context.settings);
    if (to.known && literal_text(to) == "self") c.references = "self";
    c.constraint = field.get("db_constraint", "True").text != "False";
    c.implicit_unique = field.cls == "OneToOneField";
    c.signature = "references " + (c.references.empty() ? to.text : c.references);
    if (field.kwargs.count("to_field") != 0)
      c.signature += " to_field " + field.kwargs.at("to_field").text;
    const std::string key =
        context.key_type && !c.references.empty() && field.kwargs.count("to_field") == 0
            ? context.key_type(c.references)
            : std::string();
    if (key.empty()) {
      c.unknown = "migline does not know the type of the primary key it references";
    } else {
      c.type = referencing_type(key, db);
    }
    return c;
  }
  if (type->shape == Shape::Array) {
    if (db != SafetyDatabase::PostgreSQL) {
      c.unknown = "ArrayField exists on PostgreSQL only";
      return c;
    }
    if (field.base_field.empty()) {
      c.unknown = "its `base_field` is not a call of a field class";
      return c;
    }
    Column inner = column_of(field.base_field.front(), context);
    if (inner.type.empty()) {
      c.unknown = "the type of its `base_field` is unknown";
      return c;
    }
    c.type = inner.type + "[]";
    return c;
  }
  if (type->shape == Shape::Stream) {
    const StaticValue json = field.get("use_json_field", "");
    // use_json_field=None was wagtail 3-5's "not yet": a text column.
    if (json.text == "False" || json.text == "None") {
      return column_of(as_class(field, "TextField"), context);
    }
    if (json.text != "True") {
      c.unknown = "StreamField without use_json_field is text before wagtail 3 and JSON from 6";
      return c;
    }
  }
  const std::string_view pattern = db == SafetyDatabase::PostgreSQL ? type->postgresql
                                   : db == SafetyDatabase::MySQL    ? type->mysql
                                                                    : type->sqlite;
  if (pattern.empty()) {
    c.unknown = fmt::format("`{}` has no column type on this database", field.cls);
    return c;
  }
  std::string why;
  c.type = fill(pattern, field, *type, db, why);
  if (c.type.empty()) c.unknown = why;
  c.non_negative = type->non_negative && db != SafetyDatabase::MySQL;
  return c;
}

}  // namespace migline
