#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/python/python_outline.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// A Python expression as far as it can be read without running it. Anything else (operators,
// subscripts, lambdas, comprehensions, `*args`) is Unknown: read past, never guessed.
struct PyExpr {
  enum class Kind { Unknown, String, Number, Name, Call, List, Tuple, Set, Dict };
  Kind kind = Kind::Unknown;
  std::string text;           // String: its value; Number: as written; Name, Call: the dotted name
  std::vector<PyExpr> items;  // Call: positional arguments; List/Tuple/Set; Dict: key, value, ...
  std::vector<std::pair<std::string, PyExpr>> keywords;  // Call: keyword arguments
  bool starred = false;  // Call: has `*args` or `**kwargs`, so an absent argument is unknown
  SourceSpan span;       // first byte to last byte

  // The keyword argument `name`, or nullptr.
  const PyExpr* keyword(std::string_view name) const;
  // The argument at `position` or named `name`, or nullptr when absent.
  const PyExpr* argument(std::size_t position, std::string_view name) const;
  // The last component of a Name or Call: `migrations.AddField` -> "AddField".
  std::string_view last_name() const;
  // True for the names True, False and None, and for strings and numbers.
  bool is_constant() const;
  // A stable rendering for comparisons, e.g. `models.CharField(max_length=20)`; empty if Unknown.
  std::string render() const;
};

// Reads one expression from `tokens`, stopping before the `,` or closing bracket that ends it
// (or the end of the line). Nesting deeper than a fixed limit is Unknown.
PyExpr read_python_expression(TokenStream& tokens);

}  // namespace migline
