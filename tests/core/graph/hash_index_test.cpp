#include "core/graph/hash_index.hpp"

#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace migline {
namespace {

// The keys live outside the index, as the graph's node names do.
struct Keys {
  std::vector<std::string> names;
  HashIndex index;

  int add(std::string name) {
    const int id = static_cast<int>(names.size());
    index.insert(std::hash<std::string>{}(name), id);
    names.push_back(std::move(name));
    return id;
  }
  int find(const std::string& name) const {
    return index.find(std::hash<std::string>{}(name),
                      [&](int id) { return names[static_cast<std::size_t>(id)] == name; });
  }
  void erase(const std::string& name) { index.erase(std::hash<std::string>{}(name), find(name)); }
};

}  // namespace

TEST_CASE("an empty index finds nothing") {
  HashIndex index;
  CHECK(index.size() == 0);
  CHECK(index.find(42, [](int) { return true; }) == -1);
}

TEST_CASE("every id inserted is found by its key, and nothing else is") {
  Keys keys;
  for (int i = 0; i < 5000; ++i) REQUIRE(keys.add("0" + std::to_string(i) + "_m") == i);
  CHECK(keys.index.size() == 5000);
  for (int i = 0; i < 5000; ++i) CHECK(keys.find("0" + std::to_string(i) + "_m") == i);
  CHECK(keys.find("5000_m") == -1);
  CHECK(keys.find("") == -1);
}

TEST_CASE("ids under the same hash are told apart by the caller's match") {
  HashIndex index;
  const std::vector<std::string> names{"a", "b", "c"};
  for (int id = 0; id < 3; ++id) index.insert(7, id);
  for (int id = 0; id < 3; ++id) {
    CHECK(index.find(7, [&](int candidate) {
      return names[static_cast<std::size_t>(candidate)] == names[static_cast<std::size_t>(id)];
    }) == id);
  }
  CHECK(index.find(7, [](int) { return false; }) == -1);
  // Another hash with the same low bits is not a match even when the caller would accept it.
  CHECK(index.find(8, [](int) { return true; }) == -1);
}

TEST_CASE("an erased id is not found, the others still are, and it can come back") {
  Keys keys;
  for (int i = 0; i < 100; ++i) keys.add("n" + std::to_string(i));
  keys.erase("n50");
  CHECK(keys.index.size() == 99);
  CHECK(keys.find("n50") == -1);
  for (int i = 0; i < 100; ++i) {
    if (i != 50) CHECK(keys.find("n" + std::to_string(i)) == i);
  }
  keys.index.erase(std::hash<std::string>{}("n50"), 50);  // not stored: nothing happens
  CHECK(keys.index.size() == 99);
  keys.index.insert(std::hash<std::string>{}("n50"), 50);
  CHECK(keys.find("n50") == 50);
  CHECK(keys.index.size() == 100);
}

TEST_CASE("erasing an id keeps the ids probed past it findable") {
  HashIndex index;
  for (int id = 0; id < 4; ++id) index.insert(7, id);  // one probe chain
  index.erase(7, 0);
  index.erase(7, 2);
  CHECK(index.size() == 2);
  CHECK(index.find(7, [](int id) { return id == 0; }) == -1);
  CHECK(index.find(7, [](int id) { return id == 1; }) == 1);
  CHECK(index.find(7, [](int id) { return id == 2; }) == -1);
  CHECK(index.find(7, [](int id) { return id == 3; }) == 3);
}

TEST_CASE("many erasures and inserts never lose an id (erased slots are reused or rehashed)") {
  Keys keys;
  for (int i = 0; i < 64; ++i) keys.add("k" + std::to_string(i));
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 64; i += 2) keys.erase("k" + std::to_string(i));
    for (int i = 0; i < 64; i += 2) {
      keys.index.insert(std::hash<std::string>{}("k" + std::to_string(i)), i);
    }
  }
  CHECK(keys.index.size() == 64);
  for (int i = 0; i < 64; ++i) CHECK(keys.find("k" + std::to_string(i)) == i);
}

TEST_CASE("reserve keeps what is stored and makes room") {
  Keys keys;
  for (int i = 0; i < 10; ++i) keys.add("r" + std::to_string(i));
  keys.index.reserve(10000);
  CHECK(keys.index.size() == 10);
  for (int i = 0; i < 10; ++i) CHECK(keys.find("r" + std::to_string(i)) == i);
  for (int i = 10; i < 10000; ++i) keys.add("r" + std::to_string(i));
  for (int i = 0; i < 10000; i += 97) CHECK(keys.find("r" + std::to_string(i)) == i);
}

}  // namespace migline
