#include "core/safety/sql_statement.hpp"

#include <initializer_list>

namespace migline {
namespace {

struct SqlToken {
  enum class Kind { Word, Quoted, String, Number, Punct, Param };
  Kind kind = Kind::Punct;
  std::string text;  // Word: lowercased; Quoted: the identifier; Number: as written; Punct: it
  std::size_t offset = 0;
  std::size_t length = 0;
};

bool is_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_word_char(char c) {
  return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Splits SQL text into tokens; comments, strings and dollar-quoted bodies are read past whole.
class SqlLexer {
 public:
  SqlLexer(std::string_view sql, SqlDialect dialect) : s_(sql), dialect_(dialect) {}

  std::vector<SqlToken> tokens() {
    std::vector<SqlToken> out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      const std::size_t begin = pos_;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '-' && peek(1) == '-') {
        skip_line();
      } else if (c == '#' && dialect_ == SqlDialect::MySQL) {
        skip_line();
      } else if (c == '/' && peek(1) == '*') {
        skip_block_comment();
      } else if (c == '\'') {
        quoted('\'', dialect_ == SqlDialect::MySQL);
        out.push_back(make(SqlToken::Kind::String, begin, {}));
      } else if ((c == 'e' || c == 'E') && peek(1) == '\'') {
        ++pos_;  // PostgreSQL's escape string: backslashes escape
        quoted('\'', true);
        out.push_back(make(SqlToken::Kind::String, begin, {}));
      } else if (c == '"' || (c == '`' && dialect_ != SqlDialect::PostgreSQL)) {
        std::string text = quoted(c, false);
        out.push_back(make(SqlToken::Kind::Quoted, begin, std::move(text)));
      } else if (c == '$' && dollar_quote()) {
        out.push_back(make(SqlToken::Kind::String, begin, {}));
      } else if (c == '$' || c == '?' || (c == '%' && (peek(1) == 's' || peek(1) == '('))) {
        skip_parameter();
        out.push_back(make(SqlToken::Kind::Param, begin, {}));
      } else if (is_word_start(c)) {
        std::string text;
        while (pos_ < s_.size() && is_word_char(s_[pos_])) text += lower(s_[pos_++]);
        out.push_back(make(SqlToken::Kind::Word, begin, std::move(text)));
      } else if (c >= '0' && c <= '9') {
        while (pos_ < s_.size() && (is_word_char(s_[pos_]) || s_[pos_] == '.')) ++pos_;
        out.push_back(
            make(SqlToken::Kind::Number, begin, std::string(s_.substr(begin, pos_ - begin))));
      } else {
        ++pos_;
        out.push_back(make(SqlToken::Kind::Punct, begin, std::string(1, c)));
      }
    }
    return out;
  }

 private:
  char peek(std::size_t ahead) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }

  SqlToken make(SqlToken::Kind kind, std::size_t begin, std::string text) const {
    SqlToken t;
    t.kind = kind;
    t.text = std::move(text);
    t.offset = begin;
    t.length = pos_ - begin;
    return t;
  }

  void skip_line() {
    while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
  }

  // PostgreSQL nests block comments; MySQL and SQLite do not.
  void skip_block_comment() {
    int depth = 0;
    while (pos_ < s_.size()) {
      if (s_[pos_] == '/' && peek(1) == '*') {
        ++depth;
        pos_ += 2;
      } else if (s_[pos_] == '*' && peek(1) == '/') {
        pos_ += 2;
        if (--depth == 0 || dialect_ != SqlDialect::PostgreSQL) return;
      } else {
        ++pos_;
      }
    }
  }

  // Reads a quoted run starting at its opening `quote`; a doubled quote stands for one.
  std::string quoted(char quote, bool backslash_escapes) {
    std::string text;
    ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\\' && backslash_escapes && pos_ < s_.size()) {
        text += s_[pos_++];
      } else if (c == quote) {
        if (pos_ < s_.size() && s_[pos_] == quote) {
          text += quote;
          ++pos_;
        } else {
          return text;
        }
      } else {
        text += c;
      }
    }
    return text;  // unterminated: the rest of the text
  }

  // `$tag$ ... $tag$` (tag empty or an identifier); false, reading nothing, when `$` starts
  // something else (a positional parameter `$1`).
  bool dollar_quote() {
    if (dialect_ != SqlDialect::PostgreSQL) return false;
    std::size_t end = pos_ + 1;
    if (end < s_.size() && is_word_start(s_[end])) {
      while (end < s_.size() && is_word_char(s_[end]) && s_[end] != '$') ++end;
    }
    if (end >= s_.size() || s_[end] != '$') return false;
    const std::string_view tag = s_.substr(pos_, end + 1 - pos_);
    const std::size_t close = s_.find(tag, end + 1);
    pos_ = close == std::string_view::npos ? s_.size() : close + tag.size();
    return true;
  }

  // `$1`, `?`, `%s`, `%(name)s`: a value bound at run time.
  void skip_parameter() {
    const char c = s_[pos_++];
    if (c == '$') {
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    } else if (c == '%') {
      if (s_[pos_] == '(') {
        while (pos_ < s_.size() && s_[pos_] != ')') ++pos_;
        if (pos_ < s_.size()) ++pos_;
      }
      if (pos_ < s_.size()) ++pos_;  // the `s`
    }
  }

  std::string_view s_;
  SqlDialect dialect_;
  std::size_t pos_ = 0;
};

// A cursor over the tokens of one statement (or one action of it).
class Cursor {
 public:
  Cursor(const SqlToken* begin, const SqlToken* end) : at_(begin), end_(end) {}

  bool done() const { return at_ == end_; }

  // Whether the next tokens are the words `words`, without consuming them.
  bool next_is(std::initializer_list<std::string_view> words) const {
    const SqlToken* t = at_;
    for (std::string_view w : words) {
      if (t == end_ || t->kind != SqlToken::Kind::Word || t->text != w) return false;
      ++t;
    }
    return true;
  }

  // Consumes the words `words` when they come next.
  bool accept(std::initializer_list<std::string_view> words) {
    if (!next_is(words)) return false;
    at_ += words.size();
    return true;
  }

  // Whether the words `words` follow one another anywhere in the rest.
  bool contains(std::initializer_list<std::string_view> words) const {
    for (Cursor c = *this; !c.done(); c.at_++) {
      if (c.next_is(words)) return true;
    }
    return false;
  }

  // Reads an identifier, possibly qualified (`schema.table`); returns its last part, or "" when
  // no identifier comes next.
  std::string name() {
    std::string out;
    while (!done() && (at_->kind == SqlToken::Kind::Word || at_->kind == SqlToken::Kind::Quoted)) {
      out = at_->text;
      ++at_;
      if (done() || at_->kind != SqlToken::Kind::Punct || at_->text != ".") break;
      ++at_;
    }
    return out;
  }

  // A column type as written up to USING, COLLATE or the end, normalized: words lowercased and
  // joined by one space, parameters as `(10, 2)`, `[]` kept ("character varying(20)").
  std::string type_text() {
    std::string out;
    for (; !done(); ++at_) {
      const SqlToken& t = *at_;
      if (t.kind == SqlToken::Kind::Word && (t.text == "using" || t.text == "collate")) break;
      if (t.kind == SqlToken::Kind::Punct) {
        out += t.text == "," ? ", " : t.text;
      } else {
        if (!out.empty() && out.back() != '(' && out.back() != ' ') out += ' ';
        out += t.text;
      }
    }
    return out;
  }

  // The next token's word, or "" when it is not a word.
  std::string_view word() const {
    return !done() && at_->kind == SqlToken::Kind::Word ? std::string_view(at_->text) : "";
  }

  // Splits the rest at `,` outside parentheses.
  std::vector<Cursor> split_commas() const {
    std::vector<Cursor> out;
    int depth = 0;
    const SqlToken* start = at_;
    for (const SqlToken* t = at_; t != end_; ++t) {
      if (t->kind != SqlToken::Kind::Punct) continue;
      if (t->text == "(") ++depth;
      if (t->text == ")") --depth;
      if (t->text == "," && depth == 0) {
        out.emplace_back(start, t);
        start = t + 1;
      }
    }
    out.emplace_back(start, end_);
    return out;
  }

  void skip() {
    if (!done()) ++at_;
  }

 private:
  const SqlToken* at_;
  const SqlToken* end_;
};

bool is_constraint_word(std::string_view w) {
  return w == "check" || w == "unique" || w == "primary" || w == "foreign" || w == "exclude" ||
         w == "constraint";
}

SqlConstraintKind constraint_of(std::string_view w) {
  if (w == "check") return SqlConstraintKind::Check;
  if (w == "unique") return SqlConstraintKind::Unique;
  if (w == "primary") return SqlConstraintKind::PrimaryKey;
  if (w == "foreign" || w == "references") return SqlConstraintKind::ForeignKey;
  if (w == "exclude") return SqlConstraintKind::Exclude;
  return SqlConstraintKind::None;
}

class StatementReader {
 public:
  StatementReader(const SqlToken* begin, const SqlToken* end, std::vector<SqlAction>& out)
      : c_(begin, end), out_(out) {
    base_.offset = begin->offset;
    base_.length = (end - 1)->offset + (end - 1)->length - begin->offset;
  }

  void read() {
    if (c_.accept({"alter", "table"})) return alter_table();
    if (c_.accept({"create"})) return create();
    if (c_.accept({"drop"})) return drop();
    if (c_.accept({"rename", "table"})) return rename_tables();
    if (c_.accept({"reindex"})) {
      SqlAction a = base_;
      a.concurrently = a.no_transaction = c_.contains({"concurrently"});
      return push(std::move(a));
    }
    SqlAction a = base_;
    a.no_transaction = c_.next_is({"vacuum"});
    push(std::move(a));
  }

 private:
  void push(SqlAction a) { out_.push_back(std::move(a)); }

  void alter_table() {
    c_.accept({"if", "exists"});
    c_.accept({"only"});
    const std::string table = c_.name();
    for (Cursor action : c_.split_commas()) {
      SqlAction a = base_;
      a.table = table;
      alter_action(action, a);
      push(std::move(a));
    }
  }

  static void alter_action(Cursor& c, SqlAction& a) {
    if (c.accept({"add"})) {
      if (is_constraint_word(c.word())) return add_constraint(c, a);
      if (c.next_is({"index"}) || c.next_is({"key"}) || c.next_is({"fulltext"}) ||
          c.next_is({"spatial"})) {
        return;  // MySQL's ADD INDEX builds it online
      }
      c.accept({"column"});
      c.accept({"if", "not", "exists"});
      a.kind = SqlActionKind::AddColumn;
      a.column = c.name();
      for (; !c.done(); c.skip()) {
        if (c.next_is({"not", "null"}) || c.next_is({"primary", "key"})) a.not_null = true;
        if (c.next_is({"default"})) a.has_default = true;
        if (c.next_is({"references"})) a.constraint = SqlConstraintKind::ForeignKey;
        if (c.next_is({"check"}) && a.constraint == SqlConstraintKind::None) {
          a.constraint = SqlConstraintKind::Check;
        }
      }
      return;
    }
    if (c.accept({"drop"})) {
      const std::string_view w = c.word();
      if (w != "column" && (is_constraint_word(w) || w == "index" || w == "key" || w == "default" ||
                            w == "partition" || w == "not")) {
        return;  // dropping a constraint or an index relaxes
      }
      c.accept({"column"});
      c.accept({"if", "exists"});
      a.kind = SqlActionKind::DropColumn;
      a.column = c.name();
      return;
    }
    if (c.accept({"alter"})) {
      if (c.next_is({"constraint"})) return;
      c.accept({"column"});
      a.column = c.name();
      if (c.accept({"type"}) || c.accept({"set", "data", "type"})) {
        a.kind = SqlActionKind::AlterColumnType;
        a.new_type = std::string(c.word());  // the type's first word: bigint, text, varchar...
        a.new_type_text = c.type_text();
      } else if (c.next_is({"set", "not", "null"})) {
        a.kind = SqlActionKind::SetNotNull;
      }
      return;
    }
    if (c.accept({"rename"})) {
      if (c.accept({"to"}) || c.accept({"as"})) {
        a.kind = SqlActionKind::RenameTable;
        a.new_name = c.name();
        return;
      }
      if (c.next_is({"constraint"}) || c.next_is({"index"}) || c.next_is({"key"})) return;
      c.accept({"column"});
      a.kind = SqlActionKind::RenameColumn;
      a.column = c.name();
      c.accept({"to"});
      a.new_name = c.name();
      return;
    }
    if (c.accept({"modify"})) {
      c.accept({"column"});
      a.kind = SqlActionKind::AlterColumnType;
      a.column = c.name();
      return;
    }
    if (c.accept({"change"})) {
      c.accept({"column"});
      a.column = c.name();
      a.new_name = c.name();
      a.kind =
          a.new_name == a.column ? SqlActionKind::AlterColumnType : SqlActionKind::RenameColumn;
      return;
    }
    if (c.accept({"validate", "constraint"})) {
      a.kind = SqlActionKind::ValidateConstraint;
      a.constraint_name = c.name();
      return;
    }
    if (c.accept({"detach", "partition"})) {
      a.concurrently = a.no_transaction = c.contains({"concurrently"});
    }
  }

  static void add_constraint(Cursor& c, SqlAction& a) {
    if (c.accept({"constraint"})) a.constraint_name = c.name();
    a.kind = SqlActionKind::AddConstraint;
    a.constraint = constraint_of(c.word());
    a.not_valid = c.contains({"not", "valid"});
    a.using_index =
        c.contains({"using", "index"}) && (a.constraint == SqlConstraintKind::Unique ||
                                           a.constraint == SqlConstraintKind::PrimaryKey);
  }

  void create() {
    c_.accept({"or", "replace"});
    for (std::string_view w : {"temporary", "temp", "unlogged", "global", "local"}) {
      if (c_.accept({w})) break;
    }
    if (c_.accept({"table"})) {
      c_.accept({"if", "not", "exists"});
      SqlAction a = base_;
      a.kind = SqlActionKind::CreateTable;
      a.table = c_.name();
      return push(std::move(a));
    }
    SqlAction a = base_;
    a.unique = c_.accept({"unique"});
    if (!c_.accept({"fulltext"})) c_.accept({"spatial"});
    if (!c_.accept({"index"})) return push(std::move(a));
    a.kind = SqlActionKind::CreateIndex;
    a.concurrently = a.no_transaction = c_.accept({"concurrently"});
    c_.accept({"if", "not", "exists"});
    if (!c_.next_is({"on"})) a.index = c_.name();
    while (!c_.done() && !c_.accept({"on"})) c_.skip();  // MySQL: USING BTREE before ON
    c_.accept({"only"});
    a.table = c_.name();
    push(std::move(a));
  }

  void drop() {
    SqlAction a = base_;
    if (c_.accept({"table"})) {
      a.kind = SqlActionKind::DropTable;
    } else if (c_.accept({"index"})) {
      a.kind = SqlActionKind::DropIndex;
      a.concurrently = a.no_transaction = c_.accept({"concurrently"});
    } else {
      return push(std::move(a));
    }
    c_.accept({"if", "exists"});
    for (Cursor part : c_.split_commas()) {
      SqlAction one = a;
      std::string name = part.name();
      if (a.kind == SqlActionKind::DropTable) {
        one.table = std::move(name);
      } else {
        one.index = std::move(name);
        if (part.accept({"on"})) one.table = part.name();  // MySQL
      }
      push(std::move(one));
    }
  }

  void rename_tables() {
    for (Cursor part : c_.split_commas()) {
      SqlAction a = base_;
      a.kind = SqlActionKind::RenameTable;
      a.table = part.name();
      part.accept({"to"});
      a.new_name = part.name();
      push(std::move(a));
    }
  }

  Cursor c_;
  SqlAction base_;
  std::vector<SqlAction>& out_;
};

}  // namespace

std::vector<SqlAction> classify_sql(std::string_view sql, SqlDialect dialect) {
  const std::vector<SqlToken> tokens = SqlLexer(sql, dialect).tokens();
  std::vector<SqlAction> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= tokens.size(); ++i) {
    const bool end =
        i == tokens.size() || (tokens[i].kind == SqlToken::Kind::Punct && tokens[i].text == ";");
    if (!end) continue;
    if (i > start) StatementReader(&tokens[start], &tokens[i], out).read();
    start = i + 1;
  }
  return out;
}

}  // namespace migline
