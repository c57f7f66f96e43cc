#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace migline {

// A hash table of non-negative ids whose keys live elsewhere (e.g. in the objects the ids
// name): callers hash a key themselves and say which id matches it, so a lookup by
// `string_view` builds no string. Open addressing with linear probing. A slot is 8 bytes (the
// hash folded to 32 bits, and the id), so that 100,000 ids fit in 2 MiB.
class HashIndex {
 public:
  // The id stored under `hash` for which `matches(id)` holds, or -1.
  template <typename Matches>
  int find(std::size_t hash, Matches&& matches) const {
    if (slots_.empty()) return -1;
    const std::uint32_t folded = fold(hash);
    for (std::size_t at = folded & mask_;; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (slot.id == kEmpty) return -1;
      if (slot.id >= 0 && slot.hash == folded && matches(slot.id)) return slot.id;
    }
  }
  // Stores `id` (>= 0) under `hash`; the caller has checked that its key is not stored yet.
  void insert(std::size_t hash, int id);
  // Removes `id`, stored under `hash`; nothing when it is not stored.
  void erase(std::size_t hash, int id);
  // Makes room for `count` ids in all, so that inserting them never grows the table.
  void reserve(std::size_t count);
  // Ids stored.
  std::size_t size() const { return size_; }

 private:
  static constexpr int kEmpty = -1;
  static constexpr int kErased = -2;
  struct Slot {
    std::uint32_t hash = 0;  // folded; its low bits choose the slot
    int id = kEmpty;
  };
  static std::uint32_t fold(std::size_t hash) {
    const auto h = static_cast<std::uint64_t>(hash);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }
  void place(std::uint32_t folded, int id);
  void rehash(std::size_t capacity);

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::size_t used_ = 0;  // ids and erased slots: what probing walks over
};

}  // namespace migline
